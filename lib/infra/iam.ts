// Per-function IAM roles, least privilege, derived from the capability map (lib/capabilities.ts): a role is
// its function's trigger plus the statements of each capability it holds, on the fleets' own resources.
// Resource "*" appears only for actions that have no resource-level permissions (noted where used).
// test/infra evaluates the packaged template with an IAM policy simulator (iam-simulate.test.ts).
import { type Capability, FUNCTION_CAPABILITIES } from '../capabilities';
import type { Config } from '../config/schema';
import { type CfnValue, getAtt, regionalArn, sub } from './cfn';
import { DOCUMENTS, FUNCTIONS, type FunctionKey, IDS, JOIN_DOCUMENT, logGroupName, type StageNames } from './names';

export interface Statement {
  Sid: string;
  Effect: 'Allow';
  Action: string[];
  Resource: CfnValue[] | '*';
  Condition?: Record<string, Record<string, CfnValue[]>>;
}

const ASG_TAG = 'aws:autoscaling:groupName';

function allow(
  Sid: string,
  Action: string[],
  Resource: CfnValue[] | '*',
  Condition?: Statement['Condition'],
): Statement[] {
  // A statement over no resources is invalid IAM; it only happens when no fleet needs the capability.
  if (Resource !== '*' && Resource.length === 0) return [];
  return [{ Sid, Effect: 'Allow', Action, Resource, ...(Condition ? { Condition } : {}) }];
}

const unique = <T>(values: T[]): T[] => [...new Set(values)];
const documentArn = (key: keyof typeof DOCUMENTS) => regionalArn('ssm', `document/\${${DOCUMENTS[key].id}}`);
const queueArn = (id: string) => getAtt(id);

function domainJoined(config: Config) {
  return config.fleets.filter((fleet) => fleet.mode === 'domain-joined');
}

function managementInstanceArns(config: Config): CfnValue[] {
  const ids = unique(
    domainJoined(config).flatMap((fleet) => (fleet.managementInstanceId ? [fleet.managementInstanceId] : [])),
  );
  return ids.map((id) => regionalArn('ec2', `instance/${id}`));
}

// ------------------------------------------------------------------ capabilities

function logs(names: StageNames, key: FunctionKey): Statement[] {
  // The stack creates each log group, so CreateLogGroup is not needed.
  return allow(
    'Logs',
    ['logs:CreateLogStream', 'logs:PutLogEvents'],
    [regionalArn('logs', `log-group:${logGroupName(names, key)}:*`)],
  );
}

function tracing(): Statement[] {
  // X-Ray trace segments have no resource-level permissions.
  return allow('Tracing', ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'], '*');
}

/** Records and the command index in the table; Query also on its indexes (byStatus). */
function table(actions: string[]): Statement[] {
  return [
    ...allow('Table', actions, [getAtt(IDS.table)]),
    ...allow('TableIndexes', ['dynamodb:Query'], [sub(`\${${IDS.table}.Arn}/index/*`)]),
  ];
}

function receiveFrom(queueId: string): Statement[] {
  return allow(
    'ReceiveQueue',
    ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes'],
    [queueArn(queueId)],
  );
}

function sendTo(Sid: string, queueIds: string[]): Statement[] {
  return allow(Sid, ['sqs:SendMessage'], queueIds.map(queueArn));
}

/** Join and refresh documents, on fleet hosts only: instances tagged with a domain-joined fleet's group. */
function sendCommandToHosts(config: Config): Statement[] {
  const groups = unique(domainJoined(config).flatMap((fleet) => fleet.autoScalingGroups));
  if (groups.length === 0) return [];
  return [
    ...allow(
      'SendHostDocuments',
      ['ssm:SendCommand'],
      [
        sub(`arn:\${AWS::Partition}:ssm:\${AWS::Region}::document/${JOIN_DOCUMENT}`),
        documentArn('refreshWindows'),
        documentArn('refreshLinux'),
        // Self-managed directories' joins: the documents read the credential on the host; no function may.
        documentArn('joinWindows'),
        documentArn('joinLinux'),
      ],
    ),
    ...allow('SendCommandToFleetHosts', ['ssm:SendCommand'], [regionalArn('ec2', 'instance/*')], {
      StringEquals: { [`ssm:resourceTag/${ASG_TAG}`]: groups },
    }),
  ];
}

/**
 * The project's management-host documents, on the management hosts only. No role that holds this also holds
 * hostCommands: IAM authorizes SendCommand's document and instance separately (aws-facts.md #19), so a role
 * with both could send a fleet document to a management host, or GroupChange to a fleet host.
 */
function sendCommandToManagementHosts(config: Config): Statement[] {
  const hosts = managementInstanceArns(config);
  if (hosts.length === 0) return [];
  return allow(
    'ManagementHostDocuments',
    ['ssm:SendCommand'],
    [documentArn('groupChange'), documentArn('listMembers'), ...hosts],
  );
}

function commandStatus(): Statement[] {
  // None of these supports resource-level permissions. ListCommands finds a command that went out although
  // its id never reached the record, before anything is sent again.
  return allow(
    'RunCommandStatus',
    ['ssm:GetCommandInvocation', 'ssm:DescribeInstanceInformation', 'ssm:ListCommands'],
    '*',
  );
}

function credentialSpecs(config: Config): Statement[] {
  const arns = unique(config.fleets.flatMap((fleet) => fleet.credentialSpecs));
  return [
    ...allow(
      'CredSpecParameters',
      ['ssm:GetParameter'],
      arns.filter((arn) => arn.includes(':ssm:')),
    ),
    ...allow(
      'CredSpecObjects',
      ['s3:GetObject'],
      arns.filter((arn) => arn.includes(':s3:::')),
    ),
    // Domainless credspecs name a Secrets Manager secret: verify checks it exists, never reads its value. The
    // secret is named inside the spec, not in the config, so any secret of this account and Region.
    ...(config.fleets.some((fleet) => fleet.mode === 'domainless')
      ? allow('DomainlessSecrets', ['secretsmanager:DescribeSecret'], [regionalArn('secretsmanager', 'secret:*')])
      : []),
    // Verify asks IAM whether a fleet's task execution role may read its specs.
    ...allow(
      'CheckTaskExecutionRoles',
      ['iam:SimulatePrincipalPolicy'],
      unique(config.fleets.flatMap((fleet) => (fleet.taskExecutionRoleArn ? [fleet.taskExecutionRoleArn] : []))),
    ),
  ];
}

/**
 * Fleets with discoverCredentialSpecs read their clusters' services and task definitions, and the specs found
 * only where the fleet's discoveredSpecLocations say they may live (in this account and Region): a spec
 * elsewhere is reported as a warning, never read (lib/credspec/locations.ts).
 */
function credentialSpecDiscovery(config: Config): Statement[] {
  const discovering = config.fleets.filter((fleet) => fleet.discoverCredentialSpecs);
  const clusters = unique(discovering.map((fleet) => fleet.cluster));
  if (clusters.length === 0) return [];
  const locations = discovering.flatMap((fleet) =>
    fleet.discoveredSpecLocations ? [fleet.discoveredSpecLocations] : [],
  );
  // A parameter's ARN names it without its leading slash (aws-facts.md §5); IAM's * completes the prefix.
  const parameterPaths = unique(locations.flatMap((l) => l.ssmParameterPaths.map((p) => p.replace(/^\//, ''))));
  const objectPrefixes = unique(locations.flatMap((l) => l.s3.map((o) => `${o.bucket}/${o.keyPrefix}`)));
  return [
    ...allow(
      'DiscoveredSpecParameters',
      ['ssm:GetParameter'],
      parameterPaths.map((path) => regionalArn('ssm', `parameter/${path}*`)),
    ),
    ...allow(
      'DiscoveredSpecObjects',
      ['s3:GetObject'],
      objectPrefixes.map((prefix) => sub(`arn:\${AWS::Partition}:s3:::${prefix}*`)),
    ),
    ...allow(
      'DiscoverServices',
      ['ecs:DescribeServices'],
      clusters.map((cluster) => regionalArn('ecs', `service/${cluster}/*`)),
    ),
    // ListServices is scoped by the ecs:cluster condition, not by resource.
    ...allow('ListClusterServices', ['ecs:ListServices'], '*', {
      ArnEquals: { 'ecs:cluster': clusters.map((cluster) => regionalArn('ecs', `cluster/${cluster}`)) },
    }),
    // DescribeTaskDefinition has no resource-level permissions.
    ...allow('ReadTaskDefinitions', ['ecs:DescribeTaskDefinition'], '*'),
  ];
}

const clustersOf = (config: Config) => unique(config.fleets.map((fleet) => fleet.cluster));
const containerInstances = (config: Config) =>
  clustersOf(config).map((cluster) => regionalArn('ecs', `container-instance/${cluster}/*`));

/** The ready attribute, draining and the tasks still running, on the fleets' clusters only. */
function containers(config: Config): Statement[] {
  const clusters = clustersOf(config);
  return [
    // Authorized on the container instance (the ARN names its cluster).
    ...allow(
      'FleetContainerInstances',
      [
        'ecs:DescribeContainerInstances',
        'ecs:PutAttributes',
        'ecs:DeleteAttributes',
        'ecs:UpdateContainerInstancesState',
        'ecs:ListTasks',
      ],
      containerInstances(config),
    ),
    ...allow(
      'FleetTasks',
      ['ecs:DescribeTasks'],
      clusters.map((cluster) => regionalArn('ecs', `task/${cluster}/*`)),
    ),
  ];
}

/** Verify finds the host's container instance (ListContainerInstances is authorized on the cluster). */
function findContainerInstances(config: Config): Statement[] {
  return [
    ...allow(
      'ListFleetContainerInstances',
      ['ecs:ListContainerInstances'],
      clustersOf(config).map((cluster) => regionalArn('ecs', `cluster/${cluster}`)),
    ),
    ...allow('DescribeFleetContainerInstances', ['ecs:DescribeContainerInstances'], containerInstances(config)),
  ];
}

function lifecycleActions(config: Config): Statement[] {
  const groups = unique(config.fleets.flatMap((fleet) => fleet.autoScalingGroups));
  return allow(
    'LifecycleActions',
    ['autoscaling:CompleteLifecycleAction', 'autoscaling:RecordLifecycleActionHeartbeat'],
    groups.map((group) => regionalArn('autoscaling', `autoScalingGroup:*:autoScalingGroupName/${group}`)),
  );
}

function instanceTags(config: Config): Statement[] {
  const groups = unique(config.fleets.flatMap((fleet) => fleet.autoScalingGroups));
  return [
    // The Tagging API has no resource-level permissions; ec2:CreateTags below is what limits it.
    ...allow('TaggingApi', ['tag:TagResources'], '*'),
    ...allow('StatusTags', ['ec2:CreateTags'], [regionalArn('ec2', 'instance/*')], {
      StringEquals: { [`aws:ResourceTag/${ASG_TAG}`]: groups },
    }),
  ];
}

// ------------------------------------------------------------------ roles

/** The statements each capability needs: a role holds those of its function's capabilities. */
const CAPABILITY_STATEMENTS: Record<Capability, (config: Config) => Statement[]> = {
  // UpdateItem: a join or refresh ref gains its hosts one write at a time (lib/store/dynamo.ts putCommand).
  records: () => table(['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:Query']),
  readRecords: () => table(['dynamodb:GetItem', 'dynamodb:Query']),
  runCommandStatus: () => commandStatus(),
  hostCommands: sendCommandToHosts,
  managementCommands: sendCommandToManagementHosts,
  enqueue: () => sendTo('EnqueueWork', [IDS.wakeQueue, IDS.directoryQueue]),
  containers,
  verify: (config) => [
    ...findContainerInstances(config),
    ...credentialSpecs(config),
    ...credentialSpecDiscovery(config),
  ],
  lifecycleActions,
  tags: instanceTags,
  // DescribeInstances has no resource-level permissions.
  instanceStates: () => allow('FindVanishedHosts', ['ec2:DescribeInstances'], '*'),
  // Auto Scaling's Describe* actions have no resource-level permissions (Service Authorization Reference).
  groupInstances: () => allow('SweepGroups', ['autoscaling:DescribeAutoScalingInstances'], '*'),
};

/** What invokes each function, where that needs the function's own permission (queues it polls, its destination). */
const TRIGGERS: Record<FunctionKey, Statement[]> = {
  lifecycle: sendTo('OnFailureDestination', [IDS.intakeFailures]),
  commandStatus: sendTo('OnFailureDestination', [IDS.intakeFailures]),
  continue: receiveFrom(IDS.wakeQueue),
  directory: receiveFrom(IDS.directoryQueue),
  reconciler: [],
  statusPage: [],
};

export function statementsFor(key: FunctionKey, config: Config): Statement[] {
  const capabilities: readonly Capability[] = FUNCTION_CAPABILITIES[key];
  return [...TRIGGERS[key], ...capabilities.flatMap((capability) => CAPABILITY_STATEMENTS[capability](config))];
}

export function buildRoles(config: Config, names: StageNames): Record<string, unknown> {
  return Object.fromEntries(
    (Object.keys(FUNCTIONS) as FunctionKey[]).map((key) => [
      FUNCTIONS[key].role,
      {
        Type: 'AWS::IAM::Role',
        Properties: {
          Description: `${names.service} ${names.stage}: ${FUNCTIONS[key].description}`,
          AssumeRolePolicyDocument: {
            Version: '2012-10-17',
            Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
          },
          Policies: [
            {
              PolicyName: key,
              PolicyDocument: {
                Version: '2012-10-17',
                Statement: [...logs(names, key), ...tracing(), ...statementsFor(key, config)],
              },
            },
          ],
        },
      },
    ]),
  );
}
