// The packaged template's roles as IAM would evaluate them: each function's statements with every
// CloudFormation value resolved as it deploys in us-east-1 / 123456789012.
import { FUNCTIONS, type FunctionKey } from '../../lib/infra/names';
import { type Lookup, pseudoParameters, type ResolvedStatement, resolveStatements } from '../../lib/infra/resolve';
import type { Template } from './template';

export const REGION = 'us-east-1';
export const ACCOUNT = '123456789012';

/** Names in the template: pseudo parameters, named resources (documents), and the ARNs of queues and the table. */
export function templateLookup(template: Template): Lookup {
  const pseudo = pseudoParameters(REGION, ACCOUNT);
  return (name) => {
    const [id = '', attribute] = name.split('.');
    const resource = template.Resources[id];
    if (!resource) return pseudo(name);
    const { Name, QueueName, TableName } = resource.Properties;
    if (!attribute && typeof Name === 'string') return Name;
    if (attribute === 'Arn' && resource.Type === 'AWS::SQS::Queue')
      return `arn:aws:sqs:${REGION}:${ACCOUNT}:${QueueName}`;
    if (attribute === 'Arn' && resource.Type === 'AWS::DynamoDB::Table')
      return `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/${TableName}`;
    return undefined;
  };
}

/** Each function's policy statements, resolved. */
export function packagedPolicies(template: Template): Record<FunctionKey, ResolvedStatement[]> {
  const lookup = templateLookup(template);
  return Object.fromEntries(
    (Object.keys(FUNCTIONS) as FunctionKey[]).map((key) => {
      const role = template.Resources[FUNCTIONS[key].role];
      if (!role) throw new Error(`no role ${FUNCTIONS[key].role} in the template`);
      const statements = role.Properties.Policies.flatMap(
        (policy: { PolicyDocument: { Statement: unknown[] } }) => policy.PolicyDocument.Statement,
      );
      return [key, resolveStatements(statements, lookup)];
    }),
  ) as Record<FunctionKey, ResolvedStatement[]>;
}
