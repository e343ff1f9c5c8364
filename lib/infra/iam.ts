// Per-function IAM roles, least privilege: each function may call only what its part of the workflow
// calls, on the fleets' own resources. Resource "*" appears only for actions that have no resource-level
// permissions (noted where used); test/infra checks the rendered template against these rules.
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

function table(actions: string[]): Statement[] {
  return allow('Table', actions, [getAtt(IDS.table), sub(`\${${IDS.table}.Arn}/index/*`)]);
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
      ],
    ),
    ...allow('SendCommandToFleetHosts', ['ssm:SendCommand'], [regionalArn('ec2', 'instance/*')], {
      StringEquals: { [`ssm:resourceTag/${ASG_TAG}`]: groups },
    }),
  ];
}

/** A project document on the management hosts (group changes, member listing). */
function sendCommandToManagementHosts(Sid: string, document: keyof typeof DOCUMENTS, config: Config): Statement[] {
  const hosts = managementInstanceArns(config);
  if (hosts.length === 0) return [];
  return allow(Sid, ['ssm:SendCommand'], [documentArn(document), ...hosts]);
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
    // Domainless credspecs name a Secrets Manager secret: verify checks it exists, never reads its value.
    ...allow('DomainlessSecrets', ['secretsmanager:DescribeSecret'], [regionalArn('secretsmanager', 'secret:*')]),
    // Verify asks IAM whether a fleet's task execution role may read its specs.
    ...allow(
      'CheckTaskExecutionRoles',
      ['iam:SimulatePrincipalPolicy'],
      unique(config.fleets.flatMap((fleet) => (fleet.taskExecutionRoleArn ? [fleet.taskExecutionRoleArn] : []))),
    ),
  ];
}

/** Fleets with discoverCredentialSpecs read their clusters' services and task definitions. */
function credentialSpecDiscovery(config: Config): Statement[] {
  const clusters = unique(config.fleets.filter((fleet) => fleet.discoverCredentialSpecs).map((fleet) => fleet.cluster));
  if (clusters.length === 0) return [];
  return [
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

function ecs(config: Config): Statement[] {
  const clusters = unique(config.fleets.map((fleet) => fleet.cluster));
  // Cluster-scoped: the cluster itself, its container instances and its tasks. Which of the three an action
  // is authorized on differs per action; all three ARNs name only the fleets' clusters.
  return allow(
    'FleetClusters',
    [
      'ecs:ListContainerInstances',
      'ecs:DescribeContainerInstances',
      'ecs:PutAttributes',
      'ecs:DeleteAttributes',
      'ecs:UpdateContainerInstancesState',
      'ecs:ListTasks',
      'ecs:DescribeTasks',
    ],
    clusters.flatMap((cluster) => [
      regionalArn('ecs', `cluster/${cluster}`),
      regionalArn('ecs', `container-instance/${cluster}/*`),
      regionalArn('ecs', `task/${cluster}/*`),
    ]),
  );
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

/** What every function running the workflow engine may do. */
function workflow(config: Config): Statement[] {
  return [
    ...table(['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query']),
    ...sendTo('EnqueueWork', [IDS.wakeQueue, IDS.directoryQueue]),
    ...sendCommandToHosts(config),
    ...commandStatus(),
    ...credentialSpecs(config),
    ...credentialSpecDiscovery(config),
    ...ecs(config),
    ...lifecycleActions(config),
    ...instanceTags(config),
  ];
}

function statementsFor(key: FunctionKey, config: Config): Statement[] {
  switch (key) {
    case 'lifecycle':
    case 'commandStatus':
      return [...workflow(config), ...sendTo('OnFailureDestination', [IDS.intakeFailures])];
    case 'continue':
      return [...workflow(config), ...receiveFrom(IDS.wakeQueue)];
    case 'reconciler':
      return [
        ...workflow(config),
        // DescribeInstances has no resource-level permissions.
        ...allow('FindVanishedHosts', ['ec2:DescribeInstances'], '*'),
        ...sendCommandToManagementHosts('ListGroupMembers', 'listMembers', config),
      ];
    case 'directory':
      // It answers each record through the engine (commandSent, or a failure that can end the launch), so it
      // may perform any workflow effect; it alone may change group membership.
      return [
        ...workflow(config),
        ...receiveFrom(IDS.directoryQueue),
        ...sendCommandToManagementHosts('ChangeGroupMembership', 'groupChange', config),
      ];
    case 'statusPage':
      return table(['dynamodb:GetItem', 'dynamodb:Query']);
  }
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
