// Least-privilege rules over the IAM roles of a packaged template (issue 7). Kept apart from the
// template test so iam-rules.test.ts can prove each rule catches what it is meant to catch.
import { render, resourcesOfType, type Template } from './template';

/**
 * Actions that have no resource-level permissions: the only ones allowed on Resource "*".
 * This list is the test's, not the code's, so widening it is a visible, reviewed change.
 */
export const RESOURCE_STAR_ALLOWED = new Set([
  'ssm:DescribeInstanceInformation',
  'ssm:GetCommandInvocation',
  'ssm:ListCommands',
  'ec2:DescribeInstances',
  // The reconciler's sweep; no resource types (iam-data autoscaling.json, Service Authorization Reference).
  'autoscaling:DescribeAutoScalingInstances',
  'xray:PutTraceSegments',
  'xray:PutTelemetryRecords',
  'tag:TagResources',
  'ecs:DescribeTaskDefinition',
  // Scoped by the ecs:cluster condition instead (credential spec discovery).
  'ecs:ListServices',
]);

export interface IamExpectations {
  /** Document names SendCommand may target: the project's own and AWS-JoinDirectoryServiceDomain. */
  documents: string[];
  /** Instance ids SendCommand may name explicitly (the management hosts). */
  managementInstances: string[];
}

const ASG_CONDITION = 'ssm:resourceTag/aws:autoscaling:groupName';

interface Statement {
  Sid?: string;
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: Record<string, Record<string, unknown>>;
}

const list = <T>(value: T | T[]): T[] => (Array.isArray(value) ? value : [value]);

function sendCommandViolations(
  where: string,
  statement: Statement,
  resources: string[],
  expected: IamExpectations,
): string[] {
  return resources.flatMap((arn) => {
    const document = /^arn:aws:ssm:[a-z0-9-]+:(\d{12})?:document\/(.+)$/.exec(arn);
    if (document)
      return expected.documents.includes(document[2] ?? '') ? [] : [`${where}: SendCommand on document ${arn}`];
    const instance = /^arn:aws:ec2:[a-z0-9-]+:\d{12}:instance\/(.+)$/.exec(arn);
    if (instance?.[1] === '*')
      return statement.Condition?.StringEquals?.[ASG_CONDITION]
        ? []
        : [`${where}: SendCommand on any instance without ${ASG_CONDITION}`];
    if (instance && expected.managementInstances.includes(instance[1] ?? '')) return [];
    return [`${where}: SendCommand on ${arn}`];
  });
}

function statementViolations(
  where: string,
  statement: Statement,
  template: Template,
  expected: IamExpectations,
): string[] {
  if (statement.Effect !== 'Allow') return [];
  const actions = list(statement.Action);
  const problems: string[] = [];
  for (const action of actions) {
    if (action === '*') problems.push(`${where}: Action "*"`);
    else if (/:\*$/.test(action)) problems.push(`${where}: service-wide action ${action}`);
    else if (action.includes('*')) problems.push(`${where}: wildcard action ${action}`);
  }
  if (statement.Resource === '*') {
    for (const action of actions)
      if (!RESOURCE_STAR_ALLOWED.has(action)) problems.push(`${where}: ${action} on Resource "*"`);
    return problems;
  }
  const resources = list(statement.Resource).map((value) => render(template, value));
  if (resources.some((arn) => arn === '*')) problems.push(`${where}: "*" inside a resource list`);
  if (actions.includes('ssm:SendCommand'))
    problems.push(...sendCommandViolations(where, statement, resources, expected));
  return problems;
}

/** Every violation of the least-privilege rules in the template's IAM roles, as readable lines. */
export function iamViolations(template: Template, expected: IamExpectations): string[] {
  return resourcesOfType(template, 'AWS::IAM::Role').flatMap(([id, role]) => {
    const problems: string[] = [];
    if (role.Properties.ManagedPolicyArns?.length)
      problems.push(`${id}: managed policies ${role.Properties.ManagedPolicyArns}`);
    for (const policy of role.Properties.Policies ?? [])
      list<Statement>(policy.PolicyDocument.Statement).forEach((statement, i) => {
        problems.push(...statementViolations(`${id} ${statement.Sid ?? `#${i}`}`, statement, template, expected));
      });
    return problems;
  });
}
