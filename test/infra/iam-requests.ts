// Every IAM authorization the functions' SDK calls need for the example stage (config/example.yml), grouped by
// the capability that makes the call (lib/capabilities.ts), plus each function's own trigger and telemetry.
// A multi-resource call is one request per resource: IAM authorizes each separately (aws-facts.md #19).
import type { Capability } from '../../lib/capabilities';
import type { Config } from '../../lib/config/schema';
import type { IamRequest } from '../../lib/infra/evaluate';
import { DOCUMENTS, type FunctionKey, functionName, JOIN_DOCUMENT } from '../../lib/infra/names';
import { ACCOUNT, REGION } from './policies';

const STAGE = { service: 'gmsa-ready', stage: 'example' };
const arn = (service: string, rest: string) => `arn:aws:${service}:${REGION}:${ACCOUNT}:${rest}`;
const ASG_KEY = 'aws:autoscaling:groupName';

export const TABLE = arn('dynamodb', 'table/gmsa-ready-example-hosts');
export const queue = (name: string) => arn('sqs', `gmsa-ready-example-${name}`);
export const documentArn = (key: keyof typeof DOCUMENTS) =>
  arn('ssm', `document/gmsa-ready-example-${DOCUMENTS[key].suffix}`);
/** AWS-owned documents have no account in their ARN (aws-facts.md #20). */
export const JOIN = `arn:aws:ssm:${REGION}::document/${JOIN_DOCUMENT}`;
export const instance = (id: string) => arn('ec2', `instance/${id}`);

/** A fleet host of this Auto Scaling group, as SendCommand's instance authorization sees it (its tags). */
export function host(id: string, group?: string): { resource: string; context: Record<string, string> } {
  return { resource: instance(id), context: group ? { [`ssm:resourceTag/${ASG_KEY}`]: group } : {} };
}

/**
 * SendCommand: the document and each instance (one command may name up to 50), each authorized on its own;
 * the call needs all of them.
 */
export function sendCommand(
  document: string,
  ...targets: { resource: string; context: Record<string, string> }[]
): IamRequest[] {
  return [
    { action: 'ssm:SendCommand', resource: document },
    ...targets.map((target) => ({ action: 'ssm:SendCommand', ...target })),
  ];
}

const FLEET_HOST = 'i-0aaaaaaaaaaaaaaa1';

/** The requests of each capability's calls, for every fleet of the config. */
export function capabilityRequests(config: Config): Record<Capability, IamRequest[]> {
  const joined = config.fleets.filter((fleet) => fleet.mode === 'domain-joined');
  const managementHosts = [...new Set(joined.flatMap((fleet) => fleet.managementInstanceId ?? []))];
  const clusters = [...new Set(config.fleets.map((fleet) => fleet.cluster))];
  const specs = config.fleets.flatMap((fleet) => fleet.credentialSpecs);
  const containerInstance = (cluster: string) => arn('ecs', `container-instance/${cluster}/0123456789abcdef`);
  const onClusters = (actions: string[]) =>
    clusters.flatMap((cluster) =>
      actions.map((action) => ({
        action,
        resource: containerInstance(cluster),
        context: { 'ecs:cluster': arn('ecs', `cluster/${cluster}`) },
      })),
    );
  return {
    records: [
      { action: 'dynamodb:GetItem', resource: TABLE },
      { action: 'dynamodb:PutItem', resource: TABLE },
      { action: 'dynamodb:UpdateItem', resource: TABLE },
      { action: 'dynamodb:Query', resource: `${TABLE}/index/byStatus` },
    ],
    readRecords: [
      { action: 'dynamodb:GetItem', resource: TABLE },
      { action: 'dynamodb:Query', resource: `${TABLE}/index/byStatus` },
    ],
    runCommandStatus: [
      { action: 'ssm:DescribeInstanceInformation', resource: '*' },
      { action: 'ssm:GetCommandInvocation', resource: '*' },
      { action: 'ssm:ListCommands', resource: '*' },
    ],
    hostCommands: joined.flatMap((fleet) =>
      fleet.autoScalingGroups.flatMap((group) => [
        ...sendCommand(JOIN, host(FLEET_HOST, group)),
        ...sendCommand(
          documentArn(fleet.platform === 'windows' ? 'refreshWindows' : 'refreshLinux'),
          host(FLEET_HOST, group),
        ),
      ]),
    ),
    managementCommands: managementHosts.flatMap((id) => [
      ...sendCommand(documentArn('groupChange'), host(id)),
      ...sendCommand(documentArn('listMembers'), host(id)),
    ]),
    enqueue: [
      { action: 'sqs:SendMessage', resource: queue('wake') },
      { action: 'sqs:SendMessage', resource: queue('directory') },
    ],
    containers: [
      ...onClusters([
        'ecs:DescribeContainerInstances',
        'ecs:PutAttributes',
        'ecs:DeleteAttributes',
        'ecs:UpdateContainerInstancesState',
        'ecs:ListTasks',
      ]),
      ...clusters.map((cluster) => ({
        action: 'ecs:DescribeTasks',
        resource: arn('ecs', `task/${cluster}/0123456789abcdef0123456789abcdef`),
        context: { 'ecs:cluster': arn('ecs', `cluster/${cluster}`) },
      })),
    ],
    verify: [
      ...clusters.map((cluster) => ({
        action: 'ecs:ListContainerInstances',
        resource: arn('ecs', `cluster/${cluster}`),
      })),
      ...onClusters(['ecs:DescribeContainerInstances']),
      ...specs.filter((s) => s.includes(':ssm:')).map((resource) => ({ action: 'ssm:GetParameter', resource })),
      ...specs.filter((s) => s.includes(':s3:::')).map((resource) => ({ action: 's3:GetObject', resource })),
      ...(config.fleets.some((fleet) => fleet.mode === 'domainless')
        ? [{ action: 'secretsmanager:DescribeSecret', resource: arn('secretsmanager', 'secret:gmsa-user-AbCdEf') }]
        : []),
    ],
    lifecycleActions: config.fleets.flatMap((fleet) =>
      fleet.autoScalingGroups.flatMap((group) =>
        ['autoscaling:CompleteLifecycleAction', 'autoscaling:RecordLifecycleActionHeartbeat'].map((action) => ({
          action,
          resource: arn(
            'autoscaling',
            `autoScalingGroup:0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d:autoScalingGroupName/${group}`,
          ),
        })),
      ),
    ),
    tags: config.fleets.flatMap((fleet) =>
      fleet.autoScalingGroups.flatMap((group) => [
        { action: 'tag:TagResources', resource: '*' },
        {
          action: 'ec2:CreateTags',
          resource: instance(FLEET_HOST),
          context: { [`aws:ResourceTag/${ASG_KEY}`]: group },
        },
      ]),
    ),
    instanceStates: [{ action: 'ec2:DescribeInstances', resource: '*' }],
    groupInstances: [{ action: 'autoscaling:DescribeAutoScalingInstances', resource: '*' }],
  };
}

/** What every function needs whatever it holds: its logs and traces, and what its trigger needs of it. */
export function ownRequests(key: FunctionKey): IamRequest[] {
  const logStream = arn('logs', `log-group:/aws/lambda/${functionName(STAGE, key)}:log-stream:2026/11/25/[$LATEST]abc`);
  const receive = (name: string) =>
    ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes'].map((action) => ({
      action,
      resource: queue(name),
    }));
  const triggers: Record<FunctionKey, IamRequest[]> = {
    lifecycle: [{ action: 'sqs:SendMessage', resource: queue('intake-failures') }],
    commandStatus: [{ action: 'sqs:SendMessage', resource: queue('intake-failures') }],
    continue: receive('wake'),
    directory: receive('directory'),
    reconciler: [],
    statusPage: [],
  };
  return [
    { action: 'logs:CreateLogStream', resource: logStream },
    { action: 'logs:PutLogEvents', resource: logStream },
    { action: 'xray:PutTraceSegments', resource: '*' },
    ...triggers[key],
  ];
}
