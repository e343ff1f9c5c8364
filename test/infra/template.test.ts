// The packaged CloudFormation template (config/example.yml): resources and their shapes, least-privilege
// IAM, and the dashboard and alarms against the metric catalog. See template.ts for when it is packaged.
import { readdirSync, readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadConfigFile } from '../../lib/config/file';
import {
  DOCTOR_PROBE_DOCUMENT,
  DOCUMENTS,
  FUNCTIONS,
  type FunctionKey,
  functionName,
  IDS,
  JOIN_DOCUMENT,
  logGroupName,
} from '../../lib/infra/names';
import { timings } from '../../lib/sandbox/timings';
import { tableDefinition } from '../../lib/store/dynamo';
import { matchesPattern } from './event-pattern';
import { iamViolations } from './iam-rules';
import { alarmMetricRefs, dashboardMetricRefs, metricRefViolations } from './metric-refs';
import { loadTemplate, type Resource, render, resourcesOfType, STAGE, type Template } from './template';

const config = loadConfigFile(`config/${STAGE}.yml`);
const configuredGroups = config.fleets.flatMap((fleet) => fleet.autoScalingGroups);
const projectDocuments = Object.values(DOCUMENTS).map((document) => `gmsa-ready-${STAGE}-${document.suffix}`);
// osls's logical ids: lifecycle -> LifecycleLambdaFunction, LifecycleLambdaEvConf.
const lambdaId = (key: FunctionKey, suffix = 'Function') =>
  `${key.charAt(0).toUpperCase()}${key.slice(1)}Lambda${suffix}`;

let template: Template;
const resource = (id: string): Resource => {
  const found = template.Resources[id];
  if (!found) throw new Error(`no resource ${id} in the template`);
  return found;
};

beforeAll(() => {
  template = loadTemplate();
}, 180_000);

describe('functions', () => {
  it('runs every function on nodejs22.x with its own explicit role, and no shared default role', () => {
    for (const key of Object.keys(FUNCTIONS) as FunctionKey[]) {
      const fn = resource(lambdaId(key));
      expect(fn.Properties.Runtime).toBe('nodejs22.x');
      expect(fn.Properties.Role).toEqual({ 'Fn::GetAtt': [FUNCTIONS[key].role, 'Arn'] });
    }
    expect(template.Resources.IamRoleLambdaExecution).toBeUndefined();
  });

  it('deploys every function under the name lib/infra/names.ts gives it, logging where IAM and the dashboard look', () => {
    const names = { service: 'gmsa-ready', stage: STAGE };
    for (const key of Object.keys(FUNCTIONS) as FunctionKey[]) {
      expect(resource(lambdaId(key)).Properties.FunctionName).toBe(functionName(names, key));
      expect(resource(lambdaId(key, 'LogGroup').replace('LambdaLogGroup', 'LogGroup')).Properties.LogGroupName).toBe(
        logGroupName(names, key),
      );
    }
    expect(functionName(names, 'commandStatus')).toBe(`gmsa-ready-${STAGE}-command-status`);
  });

  it('gives every function the environment contract, with the config validated and embedded', () => {
    const environment = resource(lambdaId('lifecycle')).Properties.Environment.Variables;
    expect(environment).toMatchObject({
      TABLE_NAME: { Ref: IDS.table },
      WAKE_QUEUE_URL: { Ref: IDS.wakeQueue },
      DIRECTORY_QUEUE_URL: { Ref: IDS.directoryQueue },
      REFRESH_WINDOWS_DOCUMENT: { Ref: DOCUMENTS.refreshWindows.id },
      REFRESH_LINUX_DOCUMENT: { Ref: DOCUMENTS.refreshLinux.id },
      GROUP_CHANGE_DOCUMENT: { Ref: DOCUMENTS.groupChange.id },
      LIST_MEMBERS_DOCUMENT: { Ref: DOCUMENTS.listMembers.id },
      STAGE,
      ACCOUNT_ID: { Ref: 'AWS::AccountId' },
      POWERTOOLS_SERVICE_NAME: 'gmsa-ready',
      POWERTOOLS_METRICS_NAMESPACE: 'GmsaReady',
    });
    expect(JSON.parse(environment.GMSA_READY_CONFIG)).toEqual(config);
  });

  it('bundles each function into its own artifact holding its handler as an .mjs file', () => {
    const zips = readdirSync('.serverless').filter((file) => file.endsWith('.zip'));
    expect(zips.sort()).toEqual(
      Object.keys(FUNCTIONS)
        .map((key) => `${key}.zip`)
        .sort(),
    );
    for (const key of Object.keys(FUNCTIONS) as FunctionKey[]) {
      const handler: string = resource(lambdaId(key)).Properties.Handler;
      const file = `${handler.slice(0, handler.lastIndexOf('.'))}.mjs`;
      // Zip entries carry their names in plain text.
      expect(readFileSync(`.serverless/${key}.zip`).includes(file), `${key}.zip holds ${file}`).toBe(true);
    }
  });

  it('retries the EventBridge-invoked functions twice, then sends them to the on-failure queue', () => {
    for (const key of ['lifecycle', 'commandStatus'] as const) {
      expect(resource(lambdaId(key, 'EvConf')).Properties).toMatchObject({
        MaximumRetryAttempts: 2,
        DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [IDS.intakeFailures, 'Arn'] } } },
      });
    }
  });

  it('feeds continue from the wake queue and directory from the directory queue, reporting item failures', () => {
    const mappings = resourcesOfType(template, 'AWS::Lambda::EventSourceMapping').map(
      ([, mapping]) => mapping.Properties,
    );
    expect(mappings).toContainEqual(
      expect.objectContaining({
        EventSourceArn: { 'Fn::GetAtt': [IDS.wakeQueue, 'Arn'] },
        FunctionName: { 'Fn::GetAtt': [lambdaId('continue'), 'Arn'] },
        // The sandbox (and so the benchmark) models the batch the stack deploys.
        BatchSize: timings.wakeBatchSize,
        MaximumBatchingWindowInSeconds: timings.wakeBatchWindow,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
      }),
    );
    expect(mappings).toContainEqual(
      expect.objectContaining({
        EventSourceArn: { 'Fn::GetAtt': [IDS.directoryQueue, 'Arn'] },
        FunctionName: { 'Fn::GetAtt': [lambdaId('directory'), 'Arn'] },
        BatchSize: 50,
        // The sandbox (and so the benchmark) models the window the stack deploys.
        MaximumBatchingWindowInSeconds: timings.directoryBatchWindow,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
      }),
    );
  });

  it('gives every SQS event source with a batch over 10 a batching window of at least 1 s, as Lambda requires', () => {
    // Lambda API reference (EventSourceMapping, MaximumBatchingWindowInSeconds): for SQS, a BatchSize over 10
    // needs a window of at least 1 second; CloudFormation would refuse the mapping otherwise.
    const mappings = resourcesOfType(template, 'AWS::Lambda::EventSourceMapping').map(
      ([, mapping]) => mapping.Properties,
    );
    expect(mappings.length).toBeGreaterThan(0);
    for (const mapping of mappings)
      if ((mapping.BatchSize ?? 10) > 10) expect(mapping.MaximumBatchingWindowInSeconds ?? 0).toBeGreaterThanOrEqual(1);
  });

  it('runs the reconciler every minute and serves the status page behind AWS_IAM', () => {
    const schedules = resourcesOfType(template, 'AWS::Events::Rule').filter(
      ([, rule]) => rule.Properties.ScheduleExpression,
    );
    expect(schedules.map(([, rule]) => rule.Properties)).toEqual([
      expect.objectContaining({
        ScheduleExpression: 'rate(1 minute)',
        Targets: [expect.objectContaining({ Arn: { 'Fn::GetAtt': [lambdaId('reconciler'), 'Arn'] } })],
      }),
    ]);
    expect(resource('StatusPageLambdaFunctionUrl').Properties.AuthType).toBe('AWS_IAM');
  });
});

describe('state and queues', () => {
  it('keeps records in an on-demand table keyed by pk, with the byStatus index, TTL and PITR', () => {
    const table = resource(IDS.table).Properties;
    // The store's own definition (also used for dynalite tables) and the deployed one must not drift.
    expect(table).toMatchObject(tableDefinition);
    expect(table.BillingMode).toBe('PAY_PER_REQUEST');
    expect(table.KeySchema).toEqual([{ AttributeName: 'pk', KeyType: 'HASH' }]);
    expect(table.GlobalSecondaryIndexes).toEqual([
      {
        IndexName: 'byStatus',
        KeySchema: [
          { AttributeName: 'status', KeyType: 'HASH' },
          { AttributeName: 'updatedAt', KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      },
    ]);
    expect(table.AttributeDefinitions).toEqual(
      expect.arrayContaining([
        { AttributeName: 'status', AttributeType: 'S' },
        { AttributeName: 'updatedAt', AttributeType: 'N' },
      ]),
    );
    expect(table.TimeToLiveSpecification).toEqual({ AttributeName: 'expiresAt', Enabled: true });
    expect(table.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
  });

  it('redrives both work queues to their DLQs after 5 receives, with visibility >= 6x the consumer timeout', () => {
    for (const [queue, dlq, consumer] of [
      [IDS.wakeQueue, IDS.wakeDlq, 'continue'],
      [IDS.directoryQueue, IDS.directoryDlq, 'directory'],
    ] as const) {
      const properties = resource(queue).Properties;
      expect(properties.RedrivePolicy).toEqual({
        deadLetterTargetArn: { 'Fn::GetAtt': [dlq, 'Arn'] },
        maxReceiveCount: 5,
      });
      expect(properties.VisibilityTimeout).toBeGreaterThanOrEqual(6 * resource(lambdaId(consumer)).Properties.Timeout);
    }
  });

  it('alarms on every dead-letter queue as soon as it holds a message', () => {
    const alarmed = resourcesOfType(template, 'AWS::CloudWatch::Alarm')
      .filter(([, alarm]) => alarm.Properties.Namespace === 'AWS/SQS')
      .map(([, alarm]) => {
        expect(alarm.Properties).toMatchObject({
          MetricName: 'ApproximateNumberOfMessagesVisible',
          Threshold: 0,
          ComparisonOperator: 'GreaterThanThreshold',
        });
        return alarm.Properties.Dimensions[0].Value['Fn::GetAtt'][0];
      });
    expect(alarmed.sort()).toEqual([IDS.directoryDlq, IDS.eventsDlq, IDS.intakeFailures, IDS.wakeDlq].sort());
  });
});

describe('event rules', () => {
  const events = (prefix: string) =>
    readdirSync('events')
      .filter((file) => file.startsWith(prefix) && file.endsWith('.json'))
      .map((file) => ({ file, event: JSON.parse(readFileSync(`events/${file}`, 'utf8')) }));

  it('sends the lifecycle actions of exactly the configured groups to lifecycle, with a DLQ and retries', () => {
    const rule = resource('LifecycleEventsRule').Properties;
    expect(rule.EventPattern).toEqual({
      source: ['aws.autoscaling'],
      'detail-type': ['EC2 Instance-launch Lifecycle Action', 'EC2 Instance-terminate Lifecycle Action'],
      detail: { AutoScalingGroupName: configuredGroups },
    });
    expect(rule.Targets).toEqual([
      expect.objectContaining({
        Arn: { 'Fn::GetAtt': [lambdaId('lifecycle'), 'Arn'] },
        DeadLetterConfig: { Arn: { 'Fn::GetAtt': [IDS.eventsDlq, 'Arn'] } },
        RetryPolicy: expect.objectContaining({ MaximumRetryAttempts: expect.any(Number) }),
      }),
    ]);
    const permission = resource('LifecycleEventsPermission').Properties;
    expect(permission).toMatchObject({
      Principal: 'events.amazonaws.com',
      SourceArn: { 'Fn::GetAtt': ['LifecycleEventsRule', 'Arn'] },
    });
  });

  it('delivers every lifecycle fixture of a configured group, replays included, and not the unconfigured one', () => {
    const pattern = resource('LifecycleEventsRule').Properties.EventPattern;
    const delivered = events('lifecycle-').filter(({ event }) => matchesPattern(event, pattern));
    expect(delivered.map(({ file }) => file).sort()).toEqual(
      events('lifecycle-')
        .map(({ file }) => file)
        .filter((file) => file !== 'lifecycle-launch-unconfigured-group.json')
        .sort(),
    );
  });

  it('archives the same lifecycle events on the default bus for 30 days', () => {
    const archive = resource('LifecycleEventsArchive').Properties;
    expect(archive.EventPattern).toEqual(resource('LifecycleEventsRule').Properties.EventPattern);
    expect(archive.RetentionDays).toBe(30);
    expect(render(template, archive.SourceArn)).toBe('arn:aws:events:us-east-1:123456789012:event-bus/default');
  });

  it('sends final Run Command statuses of the join and the project documents to commandStatus', () => {
    const rule = resource('CommandStatusEventsRule').Properties;
    const pattern = rule.EventPattern;
    expect(pattern.source).toEqual(['aws.ssm']);
    expect(pattern['detail-type']).toEqual(['EC2 Command Invocation Status-change Notification']);
    expect(pattern.detail['document-name'].map((name: unknown) => render(template, name)).sort()).toEqual(
      [JOIN_DOCUMENT, ...projectDocuments].sort(),
    );
    expect(rule.Targets[0]).toMatchObject({
      Arn: { 'Fn::GetAtt': [lambdaId('commandStatus'), 'Arn'] },
      DeadLetterConfig: { Arn: { 'Fn::GetAtt': [IDS.eventsDlq, 'Arn'] } },
    });
    const rendered = {
      ...pattern,
      detail: { ...pattern.detail, 'document-name': [JOIN_DOCUMENT, ...projectDocuments] },
    };
    const status = (value: string) => ({
      source: 'aws.ssm',
      'detail-type': 'EC2 Command Invocation Status-change Notification',
      detail: { 'document-name': JOIN_DOCUMENT, status: value },
    });
    for (const final of [
      'Success',
      'Failed',
      'TimedOut',
      'Cancelled',
      'DeliveryTimedOut',
      'ExecutionTimedOut',
      'Undeliverable',
      'Terminated',
      'InvalidPlatform',
      'AccessDenied',
    ])
      expect(matchesPattern(status(final), rendered), final).toBe(true);
    for (const pending of ['Pending', 'InProgress', 'Delayed', 'Cancelling'])
      expect(matchesPattern(status(pending), rendered), pending).toBe(false);
    for (const { file, event } of events('command-status-')) expect(matchesPattern(event, rendered), file).toBe(true);
    expect(
      matchesPattern(
        { ...status('Success'), detail: { 'document-name': 'AWS-RunPowerShellScript', status: 'Success' } },
        rendered,
      ),
    ).toBe(false);
  });

  it('lets only EventBridge, for these two rules, write to the events DLQ', () => {
    const statement = resource('EventsDeadLetterQueuePolicy').Properties.PolicyDocument.Statement[0];
    expect(statement).toMatchObject({ Principal: { Service: 'events.amazonaws.com' }, Action: 'sqs:SendMessage' });
    expect(statement.Condition.ArnEquals['aws:SourceArn']).toEqual([
      { 'Fn::GetAtt': ['LifecycleEventsRule', 'Arn'] },
      { 'Fn::GetAtt': ['CommandStatusEventsRule', 'Arn'] },
    ]);
  });
});

describe('Run Command documents', () => {
  it('ships the four documents as schema 2.2 Command documents whose every parameter has an allowedPattern', () => {
    const documents = resourcesOfType(template, 'AWS::SSM::Document');
    // The functions' documents, and the doctor's probe (which no function may send: the IAM tests below).
    expect(documents.map(([, document]) => document.Properties.Name).sort()).toEqual(
      [...projectDocuments, `gmsa-ready-${STAGE}-${DOCTOR_PROBE_DOCUMENT.suffix}`].sort(),
    );
    for (const [id, document] of documents) {
      expect(document.Properties.DocumentType, id).toBe('Command');
      expect(document.Properties.Content.schemaVersion, id).toBe('2.2');
      for (const [name, parameter] of Object.entries<{ allowedPattern?: string }>(
        document.Properties.Content.parameters,
      ))
        expect(parameter.allowedPattern, `${id}.${name}`).toMatch(/^\^.*\$$/);
    }
  });
});

describe('least privilege', () => {
  const expectations = {
    documents: [JOIN_DOCUMENT, ...projectDocuments],
    managementInstances: config.fleets.flatMap((fleet) =>
      fleet.managementInstanceId ? [fleet.managementInstanceId] : [],
    ),
  };

  it('has no wildcard actions, no needless Resource "*", and SendCommand only on our documents and hosts', () => {
    expect(iamViolations(template, expectations)).toEqual([]);
  });

  const statementsOf = (role: string) =>
    resource(role).Properties.Policies.flatMap(
      (policy: { PolicyDocument: { Statement: unknown[] } }) => policy.PolicyDocument.Statement,
    );
  const sendCommandResources = (role: string) =>
    statementsOf(role)
      .filter((statement: { Action: string[] }) => statement.Action.includes('ssm:SendCommand'))
      .flatMap((statement: { Resource: unknown[] }) => statement.Resource.map((value) => render(template, value)));

  it('lets only the directory function send the management-host documents, and only to the management host', () => {
    const managementDocuments = [
      'arn:aws:ssm:us-east-1:123456789012:document/gmsa-ready-example-GroupChange',
      'arn:aws:ssm:us-east-1:123456789012:document/gmsa-ready-example-ListMembers',
    ];
    expect(sendCommandResources(FUNCTIONS.directory.role).sort()).toEqual(
      [...managementDocuments, 'arn:aws:ec2:us-east-1:123456789012:instance/i-0123456789abcdef0'].sort(),
    );
    for (const key of Object.keys(FUNCTIONS) as FunctionKey[])
      if (key !== 'directory')
        for (const document of managementDocuments)
          expect(sendCommandResources(FUNCTIONS[key].role), key).not.toContain(document);
  });

  it("lets no function send the doctor's probe document", () => {
    const probe = `arn:aws:ssm:us-east-1:123456789012:document/gmsa-ready-example-${DOCTOR_PROBE_DOCUMENT.suffix}`;
    for (const key of Object.keys(FUNCTIONS) as FunctionKey[])
      expect(sendCommandResources(FUNCTIONS[key].role), key).not.toContain(probe);
  });

  it('scopes SendCommand on hosts to the domain-joined fleets Auto Scaling groups by tag', () => {
    const hostStatement = statementsOf(FUNCTIONS.lifecycle.role).find(
      (statement: { Sid: string }) => statement.Sid === 'SendCommandToFleetHosts',
    );
    expect(hostStatement.Condition).toEqual({
      StringEquals: {
        'ssm:resourceTag/aws:autoscaling:groupName': config.fleets
          .filter((fleet) => fleet.mode === 'domain-joined')
          .flatMap((fleet) => fleet.autoScalingGroups),
      },
    });
  });

  it('limits the status page to reading the table', () => {
    const actions = statementsOf(FUNCTIONS.statusPage.role).flatMap(
      (statement: { Action: string[] }) => statement.Action,
    );
    expect([...new Set(actions)].sort()).toEqual(
      [
        'dynamodb:GetItem',
        'dynamodb:Query',
        'logs:CreateLogStream',
        'logs:PutLogEvents',
        'xray:PutTelemetryRecords',
        'xray:PutTraceSegments',
      ].sort(),
    );
  });
});

describe('dashboard and alarms', () => {
  const dashboardBody = () => render(template, resource(IDS.dashboard).Properties.DashboardBody);

  it('references only metrics the code emits, with their namespace and dimensions', () => {
    const refs = [
      ...dashboardMetricRefs(dashboardBody()),
      ...alarmMetricRefs(resourcesOfType(template, 'AWS::CloudWatch::Alarm')),
    ];
    expect(refs.length).toBeGreaterThan(20);
    expect(metricRefViolations(refs)).toEqual([]);
  });

  it('queries the workflow functions logs for the latest failures', () => {
    const body = JSON.parse(dashboardBody());
    const logs = body.widgets.filter((widget: { type: string }) => widget.type === 'log');
    expect(logs).toHaveLength(1);
    expect(logs[0].properties.region).toBe('us-east-1');
    const query: string = logs[0].properties.query;
    for (const fn of ['lifecycle', 'command-status', 'continue', 'directory', 'reconciler'])
      expect(query).toContain(`SOURCE '/aws/lambda/gmsa-ready-${STAGE}-${fn}'`);
    expect(query).toContain("filter level = 'ERROR' or message like /failed/");
  });

  it('alarms per fleet on launch failures, old cleanups and overdue hosts, and on rejected events per source', () => {
    const ours = resourcesOfType(template, 'AWS::CloudWatch::Alarm').filter(
      ([, alarm]) => alarm.Properties.Namespace === 'GmsaReady',
    );
    const described = ours.map(([, alarm]) => {
      const { MetricName, Dimensions, Threshold, TreatMissingData } = alarm.Properties;
      expect(TreatMissingData).toBe('notBreaching');
      const key = Dimensions.find((dimension: { Name: string }) => dimension.Name !== 'service');
      return `${MetricName} ${key.Name}=${key.Value} > ${Threshold}`;
    });
    const perFleet = config.fleets.flatMap((fleet) => [
      `LaunchFailed Fleet=${fleet.name} > 0`,
      `OldestCleanupPendingSeconds Fleet=${fleet.name} > 3600`,
      `InFlightOverdue Fleet=${fleet.name} > 0`,
    ]);
    expect(described.sort()).toEqual(
      [
        ...perFleet,
        'EventRejected Source=lifecycle > 0',
        'EventRejected Source=command-status > 0',
        'EventRejected Source=directory > 0',
      ].sort(),
    );
  });

  it('outputs the table, the queues, the status page URL and the dashboard name', () => {
    expect(Object.keys(template.Outputs)).toEqual(
      expect.arrayContaining([
        'TableName',
        'WakeQueueUrl',
        'DirectoryQueueUrl',
        'StatusPageLambdaFunctionUrl',
        'DashboardName',
      ]),
    );
  });
});
