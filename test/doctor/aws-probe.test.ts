// The AWS probe against stubbed clients: it gathers what the checks need for the demo's fleets, and every call
// it makes is an IAM action docs/doctor.md lists and a read-only one (Describe/List/Get, or SendCommand of the
// DoctorProbe document to the management host); the list names nothing the probe does not call (but kms:Decrypt,
// which GetParameter needs for a SecureString and is not a call of its own).
import { readFileSync } from 'node:fs';
import {
  AutoScalingClient,
  DescribeAutoScalingGroupsCommand,
  DescribeLifecycleHooksCommand,
} from '@aws-sdk/client-auto-scaling';
import { DescribeDirectoriesCommand, DirectoryServiceClient } from '@aws-sdk/client-directory-service';
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, ListRulesCommand } from '@aws-sdk/client-eventbridge';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DescribeSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { GetQueueAttributesCommand, GetQueueUrlCommand, SQSClient } from '@aws-sdk/client-sqs';
import {
  DescribeInstanceInformationCommand,
  GetCommandInvocationCommand,
  GetParameterCommand,
  SendCommandCommand,
  SSMClient,
} from '@aws-sdk/client-ssm';
import { type AwsStub, mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../lib/config/load';
import { type AwsProbeClients, awsProbe } from '../../lib/doctor/aws-probe';
import { allPassed, runChecks } from '../../lib/doctor/checks';
import { gatherFacts } from '../../lib/doctor/gather';
import { doctorNames } from '../../lib/doctor/names';
import { misconfiguredWorld } from './worlds';

const world = misconfiguredWorld([]);
const DOMAINLESS_SPEC = 'arn:aws:s3:::corp-gmsa-credspecs/webapp-domainless.json';
/** The demo's fleets and a domainless one, whose spec names a secret (AWS's published Linux domainless spec). */
const config = parseConfig({
  fleets: [
    ...world.fleets,
    {
      name: 'webapp',
      autoScalingGroups: ['prod-ecs-linux-webapp'],
      platform: 'linux',
      mode: 'domainless',
      cluster: 'webapp',
      directory: { id: 'd-1234567890', name: 'example.com' },
      credentialSpecs: [DOMAINLESS_SPEC],
    },
  ],
});
const SPECS: Record<string, string> = {
  'payments-api.json': JSON.stringify(world.credentialSpecs['arn:aws:s3:::corp-gmsa-credspecs/payments-api.json']),
  'webapp-domainless.json': readFileSync('test/fixtures/credspecs/aws-linux-domainless.json', 'utf8'),
};
const names = doctorNames('prod');
const MGMT = 'i-0123456789abcdef0';
const PROBE_OUTPUT = (gmsa: string) =>
  ['ad-module ok', 'host-group ok', `gmsa ${gmsa} allowed`, 'kds-root-key ok']
    .map((l) => `GMSA-READY-PROBE ${l}\n`)
    .join('');

// biome-ignore lint/suspicious/noExplicitAny: the mock library's stubs are generic over each client.
type Stub = AwsStub<any, any, any>;
const PREFIX = new Map<unknown, string>([
  [AutoScalingClient, 'autoscaling'],
  [DirectoryServiceClient, 'ds'],
  [DynamoDBClient, 'dynamodb'],
  [EventBridgeClient, 'events'],
  [S3Client, 's3'],
  [SecretsManagerClient, 'secretsmanager'],
  [SQSClient, 'sqs'],
  [SSMClient, 'ssm'],
]);
let stubs: Map<string, Stub>;
const stub = (prefix: string) => stubs.get(prefix) as Stub;

beforeEach(() => {
  stubs = new Map([...PREFIX].map(([client, prefix]) => [prefix, mockClient(client as typeof SSMClient) as Stub]));
  stub('autoscaling')
    .on(DescribeAutoScalingGroupsCommand)
    .callsFake((input: { AutoScalingGroupNames: string[] }) => ({
      AutoScalingGroups: input.AutoScalingGroupNames.map((n) => ({ AutoScalingGroupName: n })),
    }));
  stub('autoscaling')
    .on(DescribeLifecycleHooksCommand)
    .resolves({
      LifecycleHooks: [
        {
          LifecycleHookName: 'gmsa-ready-launch',
          LifecycleTransition: 'autoscaling:EC2_INSTANCE_LAUNCHING',
          HeartbeatTimeout: 3600,
        },
        {
          LifecycleHookName: 'gmsa-ready-terminate',
          LifecycleTransition: 'autoscaling:EC2_INSTANCE_TERMINATING',
          HeartbeatTimeout: 3600,
        },
      ],
    });
  stub('ds')
    .on(DescribeDirectoriesCommand)
    .resolves({ DirectoryDescriptions: [{ DirectoryId: 'd-1234567890', Stage: 'Active' }] });
  stub('dynamodb')
    .on(DescribeTableCommand)
    .resolves({ Table: { TableStatus: 'ACTIVE' } });
  stub('events')
    .on(ListRulesCommand)
    .resolves({ Rules: names.expectedRules.map((Name) => ({ Name, State: 'ENABLED' })) });
  const spec = (arn: string) => JSON.stringify(world.credentialSpecs[arn]);
  stub('s3')
    .on(GetObjectCommand)
    .callsFake((input: { Key: string }) => {
      const text = SPECS[input.Key] ?? '';
      return { ContentLength: text.length, Body: { transformToString: async () => text } };
    });
  stub('secretsmanager')
    .on(DescribeSecretCommand)
    .resolves({ ARN: 'arn:aws:secretsmanager:us-west-2:123456789012:secret:gMSAUserSecret-PwmPaO' });
  stub('ssm')
    .on(GetParameterCommand)
    .resolves({ Parameter: { Value: spec('arn:aws:ssm:us-east-1:123456789012:parameter/gmsa/orders-api') } });
  stub('sqs')
    .on(GetQueueUrlCommand)
    .callsFake((input: { QueueName: string }) => ({
      QueueUrl: `https://sqs.us-east-1.amazonaws.com/1/${input.QueueName}`,
    }));
  stub('sqs')
    .on(GetQueueAttributesCommand)
    .resolves({ Attributes: { ApproximateNumberOfMessages: '0' } });
  stub('ssm')
    .on(DescribeInstanceInformationCommand)
    .resolves({ InstanceInformationList: [{ InstanceId: MGMT, PingStatus: 'Online', PlatformType: 'Windows' }] });
  let sent = 0;
  stub('ssm')
    .on(SendCommandCommand)
    .callsFake(() => ({ Command: { CommandId: `00000000-0000-0000-0000-00000000000${++sent}` } }));
  let polls = 0;
  stub('ssm')
    .on(GetCommandInvocationCommand)
    .callsFake(() => {
      // The first poll after each send: not visible yet (aws-facts 4.3).
      if (++polls % 2 === 1) throw Object.assign(new Error(''), { name: 'InvocationDoesNotExist' });
      return { Status: 'Success', StandardOutputContent: PROBE_OUTPUT(sent === 1 ? 'OrdersApi' : 'PaymentsApi') };
    });
});
afterEach(() => {
  for (const s of stubs.values()) s.restore();
});

const clients = (): AwsProbeClients => {
  const options = { region: 'us-east-1', credentials: { accessKeyId: 'AKID', secretAccessKey: 'secret' } };
  return {
    autoScaling: new AutoScalingClient(options),
    directory: new DirectoryServiceClient(options),
    dynamo: new DynamoDBClient(options),
    events: new EventBridgeClient(options),
    s3: new S3Client(options),
    secrets: new SecretsManagerClient(options),
    sqs: new SQSClient(options),
    ssm: new SSMClient(options),
  };
};

let clock = 0;
const probe = (timeoutSeconds = 30) =>
  awsProbe(clients(), {
    probeDocument: names.probeDocument,
    timeoutSeconds,
    sleep: async (ms) => {
      clock += ms / 1000;
    },
    now: () => clock,
  });

/** Every call the stubs saw, as IAM actions, with its input. */
function calls(): { action: string; input: Record<string, unknown> }[] {
  return [...stubs].flatMap(([prefix, s]) =>
    s.calls().map((call) => {
      const command = call.args[0] as { constructor: { name: string }; input: Record<string, unknown> };
      return { action: `${prefix}:${command.constructor.name.replace(/Command$/, '')}`, input: command.input };
    }),
  );
}

/** The actions docs/doctor.md's Permissions table lists. */
function documentedActions(): Set<string> {
  const text = readFileSync('docs/doctor.md', 'utf8');
  const section = text.slice(text.indexOf('## Permissions'), text.indexOf('## The probe document'));
  return new Set([...section.matchAll(/^\| `([a-z0-9-]+:[A-Za-z]+)` \|/gm)].map((m) => m[1] as string));
}

describe('the AWS probe', () => {
  it("gathers what every check needs for the demo's fleets, and they all pass", async () => {
    const checks = runChecks(config, await gatherFacts(config, names, probe()));
    expect(checks.filter((c) => !c.ok)).toEqual([]);
    expect(allPassed(checks)).toBe(true);
    expect(checks.find((c) => c.id === 'gmsa-principals' && c.fleet === 'orders')?.message).toBe(
      'OrdersApiHosts may retrieve the password of OrdersApi',
    );
  });

  it('calls only the IAM actions docs/doctor.md lists, each read-only, and the list has nothing it does not call', async () => {
    await gatherFacts(config, names, probe());
    const made = calls();
    const documented = documentedActions();
    expect(documented.size).toBeGreaterThan(10);
    for (const { action, input } of made) {
      expect(documented, `${action} is not in docs/doctor.md`).toContain(action);
      if (action === 'ssm:SendCommand') {
        expect(input).toMatchObject({ DocumentName: 'gmsa-ready-prod-DoctorProbe', InstanceIds: [MGMT] });
        continue;
      }
      expect(action, 'read-only: Describe, List or Get').toMatch(/^[a-z0-9-]+:(Describe|List|Get)[A-Za-z]+$/);
    }
    const used = new Set(made.map((c) => c.action));
    expect([...documented].filter((a) => !used.has(a))).toEqual(['kms:Decrypt']);
  });

  it('sends the probe with values inside the allowedPatterns and reads it with GetCommandInvocation', async () => {
    await gatherFacts(config, names, probe());
    const sends = calls().filter((c) => c.action === 'ssm:SendCommand');
    expect(sends.map((s) => s.input.Parameters)).toEqual([
      { GroupName: ['OrdersApiHosts'], DomainName: ['corp.example.com'], GmsaNames: ['OrdersApi'] },
      { GroupName: ['PaymentsApiHosts'], DomainName: ['corp.example.com'], GmsaNames: ['PaymentsApi'] },
    ]);
  });

  it('does not send the probe to a management host SSM does not list Online', async () => {
    stub('ssm')
      .on(DescribeInstanceInformationCommand)
      .resolves({
        InstanceInformationList: [{ InstanceId: MGMT, PingStatus: 'ConnectionLost', PlatformType: 'Windows' }],
      });
    const checks = runChecks(config, await gatherFacts(config, names, probe()));
    expect(calls().some((c) => c.action === 'ssm:SendCommand')).toBe(false);
    expect(checks.filter((c) => !c.ok).map((c) => `${c.fleet} ${c.id}`)).toEqual([
      'orders management-host-online',
      'payments-linux management-host-online',
    ]);
  });

  it('stops waiting for the probe after the timeout and says which command to look at', async () => {
    stub('ssm').on(GetCommandInvocationCommand).resolves({ Status: 'InProgress' });
    const answer = await probe(30).runProbe(MGMT, { GroupName: 'G', DomainName: 'corp.example.com', GmsaNames: '-' });
    expect(answer).toEqual({
      ok: false,
      error: `the probe command 00000000-0000-0000-0000-000000000001 did not finish within 30 s (still InProgress); see aws ssm get-command-invocation --command-id 00000000-0000-0000-0000-000000000001 --instance-id ${MGMT}`,
    });
    const checks = runChecks(config, await gatherFacts(config, names, probe(30)));
    expect(checks.filter((c) => !c.ok).map((c) => `${c.fleet} ${c.id}`)).toEqual([
      'orders management-probe',
      'payments-linux management-probe',
    ]);
  });

  it('reports an absent table, queue and directory as missing, not as an error', async () => {
    stub('dynamodb')
      .on(DescribeTableCommand)
      .rejects(Object.assign(new Error('Requested resource not found'), { name: 'ResourceNotFoundException' }));
    stub('sqs')
      .on(GetQueueUrlCommand)
      .rejects(Object.assign(new Error('The specified queue does not exist.'), { name: 'QueueDoesNotExist' }));
    stub('ds')
      .on(DescribeDirectoriesCommand)
      .rejects(
        Object.assign(new Error('Directory d-1234567890 does not exist.'), { name: 'EntityDoesNotExistException' }),
      );
    const checks = runChecks(config, await gatherFacts(config, names, probe()));
    const failed = Object.fromEntries(checks.filter((c) => !c.ok).map((c) => [`${c.fleet ?? '-'} ${c.id}`, c.message]));
    expect(failed['- table']).toBe('table gmsa-ready-prod-hosts does not exist');
    expect(failed['- queues']).toContain('queue gmsa-ready-prod-wake does not exist');
    expect(failed['orders directory']).toBe('directory d-1234567890 does not exist in this Region');
  });
});
