// What IAM authorizes for each SDK call the functions make: action, resource ARN and the request context IAM
// sees (the instance's Auto Scaling tag, the ECS cluster). One request per resource of a multi-resource call:
// IAM authorizes each separately (aws-facts.md #19). Sources: the Service Authorization Reference (actions,
// resource types, condition keys; the same data test/infra checks the roles against), aws-facts.md §5 (ARNs).
import type { IamRequest } from '../infra/evaluate';

export interface Place {
  region: string;
  account: string;
  /** The Auto Scaling group an instance was launched by (its aws:autoscaling:groupName tag), if any. */
  groupOf(instanceId: string): string | undefined;
}

// biome-ignore lint/suspicious/noExplicitAny: SDK inputs differ per command; each mapping reads its own fields.
type Input = any;
type Mapping = (input: Input, place: Place) => IamRequest[];

const ASG_TAG = 'aws:autoscaling:groupName';
/** Auto Scaling group ARNs carry a UUID the model does not keep; IAM statements name the group after it. */
const GROUP_UUID = '00000000-0000-0000-0000-000000000000';

const arn = (place: Place, service: string, rest: string) =>
  `arn:aws:${service}:${place.region}:${place.account}:${rest}`;
const star =
  (action: string): Mapping =>
  () => [{ action, resource: '*' }];
const list = (value: Input): Input[] => (Array.isArray(value) ? value : value === undefined ? [] : [value]);

/** An AWS-owned document (AWS-*) has no account in its ARN (aws-facts.md #20). */
function documentArn(name: string, place: Place): string {
  if (name.startsWith('arn:')) return name;
  return name.startsWith('AWS-')
    ? `arn:aws:ssm:${place.region}::document/${name}`
    : arn(place, 'ssm', `document/${name}`);
}

function instance(id: string, place: Place, tagKey: string): IamRequest & { context: Record<string, string> } {
  const group = place.groupOf(id);
  return {
    action: '',
    resource: id.startsWith('arn:') ? id : arn(place, 'ec2', `instance/${id}`),
    context: group ? { [tagKey]: group } : {},
  };
}

const clusterArn = (cluster: string, place: Place) =>
  cluster.startsWith('arn:') ? cluster : arn(place, 'ecs', `cluster/${cluster}`);

/** ECS actions authorized on ARNs that name their cluster (container instances, tasks, services). */
const onEcs =
  (action: string, field: string, kind: string): Mapping =>
  (input, place) =>
    list(input[field]).map((id) => ({
      action,
      resource: id.startsWith('arn:') ? id : arn(place, 'ecs', `${kind}/${input.cluster}/${id}`),
      context: { 'ecs:cluster': clusterArn(input.cluster ?? 'default', place) },
    }));

const queueArn = (url: string) => {
  const { hostname, pathname } = new URL(url);
  const [, account, name] = pathname.split('/');
  const region = hostname.split('.')[1];
  return `arn:aws:sqs:${region}:${account}:${name}`;
};

const group =
  (action: string): Mapping =>
  (input, place) => [
    {
      action,
      resource: arn(
        place,
        'autoscaling',
        `autoScalingGroup:${GROUP_UUID}:autoScalingGroupName/${input.AutoScalingGroupName}`,
      ),
    },
  ];

const table =
  (action: string): Mapping =>
  (input, place) => [
    {
      action,
      resource: arn(place, 'dynamodb', `table/${input.TableName}${input.IndexName ? `/index/${input.IndexName}` : ''}`),
    },
  ];

/** By `service:Api`, as the sandbox counts calls. */
export const REQUESTS: Record<string, Mapping> = {
  'ssm:DescribeInstanceInformation': star('ssm:DescribeInstanceInformation'),
  'ssm:GetCommandInvocation': star('ssm:GetCommandInvocation'),
  'ssm:ListCommands': star('ssm:ListCommands'),
  'ssm:SendCommand': (input, place) => [
    { action: 'ssm:SendCommand', resource: documentArn(input.DocumentName, place) },
    ...list(input.InstanceIds).map((id) => ({
      ...instance(id, place, `ssm:resourceTag/${ASG_TAG}`),
      action: 'ssm:SendCommand',
    })),
  ],
  'ssm:GetParameter': (input, place) => [
    {
      action: 'ssm:GetParameter',
      resource: input.Name.startsWith('arn:')
        ? input.Name
        : arn(place, 'ssm', `parameter/${input.Name.replace(/^\//, '')}`),
    },
  ],
  'ecs:ListContainerInstances': (input, place) => [
    { action: 'ecs:ListContainerInstances', resource: clusterArn(input.cluster ?? 'default', place) },
  ],
  'ecs:DescribeContainerInstances': onEcs('ecs:DescribeContainerInstances', 'containerInstances', 'container-instance'),
  'ecs:PutAttributes': (input, place) =>
    list(input.attributes).flatMap((a: Input) =>
      onEcs('ecs:PutAttributes', 'targetId', 'container-instance')({ ...a, cluster: input.cluster }, place),
    ),
  'ecs:DeleteAttributes': (input, place) =>
    list(input.attributes).flatMap((a: Input) =>
      onEcs('ecs:DeleteAttributes', 'targetId', 'container-instance')({ ...a, cluster: input.cluster }, place),
    ),
  'ecs:UpdateContainerInstancesState': onEcs(
    'ecs:UpdateContainerInstancesState',
    'containerInstances',
    'container-instance',
  ),
  'ecs:ListTasks': onEcs('ecs:ListTasks', 'containerInstance', 'container-instance'),
  'ecs:DescribeTasks': onEcs('ecs:DescribeTasks', 'tasks', 'task'),
  'ecs:ListServices': (input, place) => [
    {
      action: 'ecs:ListServices',
      resource: '*',
      context: { 'ecs:cluster': clusterArn(input.cluster ?? 'default', place) },
    },
  ],
  'ecs:DescribeServices': onEcs('ecs:DescribeServices', 'services', 'service'),
  'ecs:DescribeTaskDefinition': star('ecs:DescribeTaskDefinition'),
  // No resource-level permissions (Service Authorization Reference): authorized on "*".
  'autoscaling:DescribeAutoScalingInstances': star('autoscaling:DescribeAutoScalingInstances'),
  'autoscaling:CompleteLifecycleAction': group('autoscaling:CompleteLifecycleAction'),
  'autoscaling:RecordLifecycleActionHeartbeat': group('autoscaling:RecordLifecycleActionHeartbeat'),
  'sqs:SendMessage': (input) => [{ action: 'sqs:SendMessage', resource: queueArn(input.QueueUrl) }],
  // SendMessageBatch is authorized as sqs:SendMessage (SQS API reference, SendMessageBatch).
  'sqs:SendMessageBatch': (input) => [{ action: 'sqs:SendMessage', resource: queueArn(input.QueueUrl) }],
  // The Tagging API needs tag:TagResources and the service's own permission on each resource.
  'tagging:TagResources': (input, place) => [
    { action: 'tag:TagResources', resource: '*' },
    ...list(input.ResourceARNList).map((resource) => ({
      ...instance(resource.split('/').pop() ?? resource, place, `aws:ResourceTag/${ASG_TAG}`),
      action: 'ec2:CreateTags',
    })),
  ],
  'ec2:DescribeInstances': star('ec2:DescribeInstances'),
  'ec2:CreateTags': (input, place) =>
    list(input.Resources).map((id) => ({
      ...instance(id, place, `aws:ResourceTag/${ASG_TAG}`),
      action: 'ec2:CreateTags',
    })),
  's3:GetObject': (input) => [{ action: 's3:GetObject', resource: `arn:aws:s3:::${input.Bucket}/${input.Key}` }],
  'secretsmanager:DescribeSecret': (input, place) => [
    {
      action: 'secretsmanager:DescribeSecret',
      resource: input.SecretId.startsWith('arn:')
        ? input.SecretId
        : arn(place, 'secretsmanager', `secret:${input.SecretId}`),
    },
  ],
  'secretsmanager:GetSecretValue': (input, place) => [
    {
      action: 'secretsmanager:GetSecretValue',
      resource: input.SecretId.startsWith('arn:')
        ? input.SecretId
        : arn(place, 'secretsmanager', `secret:${input.SecretId}`),
    },
  ],
  'iam:SimulatePrincipalPolicy': (input) => [
    { action: 'iam:SimulatePrincipalPolicy', resource: input.PolicySourceArn },
  ],
  'dynamodb:GetItem': table('dynamodb:GetItem'),
  'dynamodb:PutItem': table('dynamodb:PutItem'),
  'dynamodb:UpdateItem': table('dynamodb:UpdateItem'),
  'dynamodb:DeleteItem': table('dynamodb:DeleteItem'),
  'dynamodb:Query': table('dynamodb:Query'),
  'dynamodb:Scan': table('dynamodb:Scan'),
};

/** The requests of one call; a call the table does not know is refused by the sandbox (it cannot judge it). */
export function requestsFor(call: string, input: Input, place: Place): IamRequest[] | undefined {
  return REQUESTS[call]?.(input ?? {}, place);
}
