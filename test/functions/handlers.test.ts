// The deployed handlers, end to end in-process: environment as the stack sets it, dynalite as the table,
// every other AWS client mocked. Proves the wiring (runtime, middy, Powertools) around the engine.
import { AutoScalingClient, DescribeAutoScalingInstancesCommand } from '@aws-sdk/client-auto-scaling';
import { DescribeInstancesCommand, EC2Client } from '@aws-sdk/client-ec2';
import { ECSClient } from '@aws-sdk/client-ecs';
import { IAMClient } from '@aws-sdk/client-iam';
import { ResourceGroupsTaggingAPIClient, TagResourcesCommand } from '@aws-sdk/client-resource-groups-tagging-api';
import { S3Client } from '@aws-sdk/client-s3';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SendMessageBatchCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import {
  DescribeInstanceInformationCommand,
  GetCommandInvocationCommand,
  SendCommandCommand,
  SSMClient,
} from '@aws-sdk/client-ssm';
import type { Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { handler as commandStatus } from '../../functions/command-status';
import { handler as wake } from '../../functions/continue';
import { handler as directory } from '../../functions/directory';
import { handler as lifecycle } from '../../functions/lifecycle';
import { handler as reconciler } from '../../functions/reconciler';
import { useClock } from '../../lib/clock';
import { PACE_SECONDS } from '../../lib/directory/lane';
import type { Store } from '../../lib/engine/ports';
import { resetRuntime } from '../../lib/runtime';
import { createDynamoStore } from '../../lib/store/dynamo';
import { POLL_LEASE_SECONDS } from '../../lib/workflow/timing';
import type { HostRecord } from '../../lib/workflow/types';
import { sent } from '../aws/helpers';
import { change, waitingHost } from '../directory/changes';
import { eventFixture, exampleConfig, sqsEvent, T0 } from '../engine/fakes';
import { type LocalTable, startDynalite } from '../store/dynalite';
import { bareRecord } from '../store/records';

const ssm = mockClient(SSMClient);
const sqs = mockClient(SQSClient);
const tagging = mockClient(ResourceGroupsTaggingAPIClient);
const ec2 = mockClient(EC2Client);
const autoScaling = mockClient(AutoScalingClient);
// Built by the runtime; mocked so nothing can reach the network.
const others = [
  mockClient(ECSClient),
  autoScaling,
  mockClient(S3Client),
  mockClient(SecretsManagerClient),
  mockClient(IAMClient),
];

const ENV = {
  ACCOUNT_ID: '123456789012',
  WAKE_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/123456789012/gmsa-ready-test-wake',
  DIRECTORY_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/123456789012/gmsa-ready-test-directory',
  REFRESH_WINDOWS_DOCUMENT: 'gmsa-ready-test-RefreshWindows',
  REFRESH_LINUX_DOCUMENT: 'gmsa-ready-test-RefreshLinux',
  GROUP_CHANGE_DOCUMENT: 'gmsa-ready-test-GroupChange',
  LIST_MEMBERS_DOCUMENT: 'gmsa-ready-test-ListMembers',
  GMSA_READY_CONFIG: JSON.stringify(exampleConfig),
  AWS_ACCESS_KEY_ID: 'AKIDTEST',
  AWS_SECRET_ACCESS_KEY: 'test-secret',
};

const ID = 'i-0a1b2c3d4e5f60718';
const JOIN_CMD = 'e8d3c0e4-71f7-4491-898f-c9b35bee5f3b';

function context(name: string): Context {
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: `gmsa-ready-test-${name}`,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:123456789012:function:gmsa-ready-test-${name}`,
    memoryLimitInMB: '512',
    awsRequestId: `request-${name}`,
    logGroupName: `/aws/lambda/gmsa-ready-test-${name}`,
    logStreamName: 'test',
    getRemainingTimeInMillis: () => 60_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

let table: LocalTable;
let store: Store;
let restoreClock: () => void;
const savedEnv = { ...process.env };

beforeAll(() => {
  Object.assign(process.env, ENV);
});

afterAll(() => {
  process.env = savedEnv;
  resetRuntime();
});

// A fresh table per test: the fixtures share instance ids.
beforeEach(async () => {
  table = await startDynalite();
  store = createDynamoStore({ client: table.client, tableName: table.tableName });
  Object.assign(process.env, { TABLE_NAME: table.tableName, GMSA_READY_DYNAMODB_ENDPOINT: table.endpoint });
  resetRuntime();
  for (const mock of [ssm, sqs, tagging, ec2, ...others]) mock.reset();
  sqs.on(SendMessageCommand).resolves({ MessageId: 'msg-1' });
  tagging.on(TagResourcesCommand).resolves({ FailedResourcesMap: {} });
  ssm.on(DescribeInstanceInformationCommand).resolves({ InstanceInformationList: [] });
  restoreClock = useClock(() => T0);
});

afterEach(async () => {
  restoreClock();
  await table.stop();
  process.env.GMSA_READY_CONFIG = ENV.GMSA_READY_CONFIG;
  process.env.WAKE_QUEUE_URL = ENV.WAKE_QUEUE_URL;
});

describe('lifecycle handler', () => {
  it('starts a launch: schedules the first agent poll on the grid, tags the instance, stores the record', async () => {
    const result = await lifecycle(eventFixture('lifecycle-launch-windows'), context('lifecycle'));

    expect(result).toEqual({ accepted: true, instanceId: ID, status: 'LAUNCHING', step: 'agent' });
    // The agent is asked for by the wake, with the other hosts waiting (T0 + 3 is on the 5 s grid).
    expect(sent(ssm)).toEqual([]);
    expect(sent(sqs)).toEqual([
      [
        SendMessageCommand,
        // The wake continues the polling chain the record's first write started (version 1).
        { QueueUrl: ENV.WAKE_QUEUE_URL, MessageBody: JSON.stringify({ instanceId: ID, chain: 1 }), DelaySeconds: 3 },
      ],
    ]);
    expect(sent(tagging)).toEqual([
      [
        TagResourcesCommand,
        {
          ResourceARNList: [`arn:aws:ec2:us-east-1:123456789012:instance/${ID}`],
          Tags: { 'gmsa-ready:status': 'LAUNCHING', 'gmsa-ready:reason': '' },
        },
      ],
    ]);
    expect(await store.get(ID)).toMatchObject({
      instanceId: ID,
      fleet: 'orders',
      status: 'LAUNCHING',
      step: 'agent',
      reason: null,
      pollChain: 1,
      nextCheckAt: T0 + 3 + POLL_LEASE_SECONDS, // the reconciler looks only if the chain's wakes stop
      lifecycle: { token: 'c3f1a8d2-6e4b-4b1f-9d27-5a80e6c41f93', hookName: 'gmsa-ready-launch', startedAt: T0 },
    });
  });

  it('treats a duplicate delivery of the same lifecycle action as a no-op, in the real table', async () => {
    await lifecycle(eventFixture('lifecycle-launch-windows'), context('lifecycle'));
    const first = await store.get(ID);
    for (const mock of [ssm, sqs, tagging]) mock.resetHistory();

    const again = await lifecycle(eventFixture('lifecycle-launch-windows'), context('lifecycle'));
    expect(again).toEqual({ accepted: true, instanceId: ID, status: 'LAUNCHING', step: 'agent' });
    expect(sent(ssm)).toEqual([]);
    expect(sent(sqs)).toEqual([]);
    expect(sent(tagging)).toEqual([]);
    expect(await store.get(ID)).toEqual(first); // same version: nothing written
  });

  it('lets exactly one of two concurrent deliveries start the launch', async () => {
    const [a, b] = await Promise.all([
      lifecycle(eventFixture('lifecycle-launch-windows'), context('lifecycle')),
      lifecycle(eventFixture('lifecycle-launch-windows'), context('lifecycle')),
    ]);
    expect([a, b]).toEqual([
      { accepted: true, instanceId: ID, status: 'LAUNCHING', step: 'agent' },
      { accepted: true, instanceId: ID, status: 'LAUNCHING', step: 'agent' },
    ]);
    // One record, one start: the loser of the conditional write re-read it and found the token already served.
    expect(sqs).toHaveReceivedCommandTimes(SendMessageCommand, 1);
    expect(tagging).toHaveReceivedCommandTimes(TagResourcesCommand, 1);
    expect((await store.get(ID))?.history.filter((e) => e.detail.startsWith('launch lifecycle action'))).toHaveLength(
      1,
    );
  });

  it('rejects an event for an unconfigured group without touching AWS or the table', async () => {
    const result = await lifecycle(eventFixture('lifecycle-launch-unconfigured-group'), context('lifecycle'));
    expect(result).toEqual({
      accepted: false,
      reason: "no fleet is configured for Auto Scaling group 'prod-ecs-win-legacy'",
    });
    expect(await store.get('i-07c6b5a4f3e2d1c0b')).toBeUndefined();
    for (const mock of [ssm, sqs, tagging]) expect(mock.calls()).toEqual([]);
  });
});

describe('command-status handler', () => {
  it("moves the host on by a join's Success event, without asking SSM; a failure is read for its output", async () => {
    await store.put(
      bareRecord({
        instanceId: ID,
        fleet: 'orders',
        platform: 'windows',
        autoScalingGroupName: 'prod-ecs-win-orders',
        step: 'join',
        stepStartedAt: T0 - 300,
        pending: { purpose: 'join', commandId: JOIN_CMD, targetInstanceId: ID, requestedAt: T0 - 300, attempt: 1 },
      }),
      undefined,
    );
    await store.putCommand({
      commandId: JOIN_CMD,
      purpose: 'join',
      documentName: 'AWS-JoinDirectoryServiceDomain',
      targetInstanceId: ID,
      instanceIds: [ID],
      sentAt: T0 - 300,
    });
    ssm.on(GetCommandInvocationCommand).resolves({
      Status: 'Failed',
      StandardErrorContent: 'The specified domain either does not exist or could not be contacted.',
    });
    const failed = eventFixture('command-status-success');
    failed.detail.status = 'Failed';
    const before = await store.get(ID);

    expect(await commandStatus(failed, context('command-status'))).toEqual({ accepted: true, status: 'Failed' });
    expect(sent(ssm)).toEqual([[GetCommandInvocationCommand, { CommandId: JOIN_CMD, InstanceId: ID }]]);
    expect((await store.get(ID))?.failure).toMatchObject({
      step: 'join',
      message: expect.stringContaining('could not be contacted'),
    });

    // The same join succeeding: the event's status is the answer.
    const current = (await store.get(ID)) as HostRecord;
    await store.put({ ...(before as HostRecord), version: current.version + 1 }, current.version);
    ssm.resetHistory();
    const result = await commandStatus(eventFixture('command-status-success'), context('command-status'));
    expect(result).toEqual({ accepted: true, status: 'Success' });
    expect(ssm).toHaveReceivedCommandTimes(GetCommandInvocationCommand, 0);
    expect(await store.get(ID)).toMatchObject({ step: 'identify', joined: true });
  });

  it('ignores a command it did not send, without calling SSM', async () => {
    const result = await commandStatus(eventFixture('command-status-failed'), context('command-status'));
    expect(result).toEqual({
      accepted: true,
      reason: 'command 1b7f4d2e-8c3a-4e96-b0d5-a2f9e6c14b78 was not sent by gmsa-ready; ignored',
    });
    expect(ssm.calls()).toEqual([]);
  });
});

describe('continue (wake) handler', () => {
  /** A host of the orders fleet waiting for its SSM agent. */
  const waitingForAgent = (id: string) =>
    store.put(
      bareRecord({
        instanceId: id,
        fleet: 'orders',
        platform: 'windows',
        autoScalingGroupName: 'prod-ecs-win-orders',
        step: 'agent',
        stepStartedAt: T0 - 15,
      }),
      undefined,
    );

  it('ticks the host the message names', async () => {
    const id = 'i-0e9d8c7b6a5f43210';
    await waitingForAgent(id);
    const result = await wake(sqsEvent([{ instanceId: id }]), context('continue'));
    expect(result).toEqual({ batchItemFailures: [] });
    expect(sent(ssm)).toEqual([
      [DescribeInstanceInformationCommand, { Filters: [{ Key: 'InstanceIds', Values: [id] }], MaxResults: 50 }],
    ]);
  });

  it('asks SSM once for all the hosts of a batch and wakes them again with one SendMessageBatch', async () => {
    const ids = ['i-0e9d8c7b6a5f43210', 'i-0e9d8c7b6a5f43211', 'i-0e9d8c7b6a5f43212'];
    for (const id of ids) await waitingForAgent(id);
    sqs.on(SendMessageBatchCommand).resolves({ Successful: [], Failed: [] });
    const result = await wake(sqsEvent(ids.map((instanceId) => ({ instanceId }))), context('continue'));
    expect(result).toEqual({ batchItemFailures: [] });
    // One call, the hosts in the order their records were read.
    const asked = ssm.commandCalls(DescribeInstanceInformationCommand).map((c) => c.args[0].input.Filters?.[0]?.Values);
    expect(asked.map((values) => [...(values ?? [])].sort())).toEqual([ids]);
    expect(sqs).toHaveReceivedCommandTimes(SendMessageCommand, 0);
    expect(sqs).toHaveReceivedCommandTimes(SendMessageBatchCommand, 1);
  });
});

describe('directory handler', () => {
  it('sends the batch with the GroupChange document the stack names', async () => {
    const host = waitingHost(1);
    await store.put(host, undefined);
    ssm.on(SendCommandCommand).resolves({ Command: { CommandId: JOIN_CMD } });
    const result = await directory(sqsEvent([change(1)]), context('directory'));
    expect(result).toEqual({ batchItemFailures: [] });
    expect(ssm).toHaveReceivedCommandWith(SendCommandCommand, {
      DocumentName: ENV.GROUP_CHANGE_DOCUMENT,
      InstanceIds: ['i-0123456789abcdef0'],
    });
    expect(await store.getCommand(JOIN_CMD)).toMatchObject({ purpose: 'authorize', instanceIds: [host.instanceId] });
    expect((await store.get(host.instanceId))?.pending?.commandId).toBe(JOIN_CMD);
  });
});

describe('group commit across the directory and command-status handlers', () => {
  const GROUP_CMD = '1b7f4d2e-8c3a-4e96-b0d5-a2f9e6c14b78'; // the command the status-failed fixture names
  const flush = { request: 'flush', managementInstanceId: 'i-0123456789abcdef0', purpose: 'authorize' };

  it('keeps a change for a busy lane, asks for a flush at the pace, and the command’s end asks for it at once', async () => {
    for (const n of [1, 2]) await store.put(waitingHost(n), undefined);
    ssm.on(SendCommandCommand).resolves({ Command: { CommandId: GROUP_CMD } });
    await directory(sqsEvent([change(1)]), context('directory'));
    await directory(sqsEvent([change(2)]), context('directory'));

    expect(ssm).toHaveReceivedCommandTimes(SendCommandCommand, 1);
    expect(sent(sqs)).toEqual([
      [
        SendMessageCommand,
        { QueueUrl: ENV.DIRECTORY_QUEUE_URL, MessageBody: JSON.stringify(flush), DelaySeconds: PACE_SECONDS },
      ],
    ]);

    sqs.resetHistory();
    ssm.on(GetCommandInvocationCommand).resolves({
      Status: 'Success',
      StandardOutputContent: 'GMSA-READY-RESULT EC2AMAZ-H1$ ok',
    });
    await commandStatus(eventFixture('command-status-failed'), context('command-status'));
    expect(sent(sqs)).toContainEqual([
      SendMessageCommand,
      { QueueUrl: ENV.DIRECTORY_QUEUE_URL, MessageBody: JSON.stringify(flush), DelaySeconds: 0 },
    ]);
  });
});

describe('reconciler handler', () => {
  it('asks EC2 about hosts past the grace period and starts cleanup for the terminated one', async () => {
    const gone = 'i-0dddddddddddddddd';
    const alive = 'i-0eeeeeeeeeeeeeeee';
    for (const instanceId of [gone, alive])
      await store.put(
        bareRecord({
          instanceId,
          fleet: 'orders',
          platform: 'windows',
          autoScalingGroupName: 'prod-ecs-win-orders',
          status: 'READY',
          step: 'done',
          createdAt: T0 - 3600,
          updatedAt: T0 - 3600,
          computerName: instanceId === gone ? 'EC2AMAZ-GONE01' : 'EC2AMAZ-ALIVE01',
          joined: true,
          inGroup: true,
        }),
        undefined,
      );
    ec2.on(DescribeInstancesCommand).resolves({
      Reservations: [
        {
          Instances: [
            { InstanceId: gone, State: { Name: 'terminated' } },
            { InstanceId: alive, State: { Name: 'stopped' } },
          ],
        },
      ],
    });

    ssm.on(SendCommandCommand).resolves({ Command: { CommandId: JOIN_CMD } }); // the hourly member listing
    // The sweep of the groups (lib/engine/sweep.ts): Auto Scaling still lists the stopped host; the gone one is not listed.
    autoScaling.on(DescribeAutoScalingInstancesCommand).resolves({
      AutoScalingInstances: [
        {
          InstanceId: alive,
          AutoScalingGroupName: 'prod-ecs-win-orders',
          LifecycleState: 'InService',
          HealthStatus: 'HEALTHY',
          AvailabilityZone: 'us-east-1a',
          ProtectedFromScaleIn: false,
        },
      ],
    });

    const summary = await reconciler({}, context('reconciler'));

    expect(summary).toMatchObject({ inFlight: 0, ticked: 0, vanished: [gone], errors: 0 });
    expect(summary.sweep).toMatchObject({ looked: 1, served: [], errors: 0 });
    expect(ec2).toHaveReceivedCommandTimes(DescribeInstancesCommand, 1);
    const filter = (ec2.commandCalls(DescribeInstancesCommand)[0]?.args[0].input.Filters ?? [])[0];
    expect(filter?.Name).toBe('instance-id');
    expect(filter?.Values?.slice().sort()).toEqual([gone, alive]);
    expect(sqs).toHaveReceivedCommandWith(SendMessageCommand, {
      QueueUrl: ENV.DIRECTORY_QUEUE_URL,
      MessageBody: expect.stringContaining('"computerAccount":"EC2AMAZ-GONE01$"'),
    });
    expect(await store.get(gone)).toMatchObject({ status: 'TERMINATING', step: 'deauthorize' });
    expect(await store.get(alive)).toMatchObject({ status: 'READY', version: 1 });
  });
});

describe('configuration from the environment', () => {
  it('fails loudly, naming the field path, when GMSA_READY_CONFIG is invalid', async () => {
    const bad = structuredClone(exampleConfig) as unknown as { fleets: { directory: { id: string } }[] };
    (bad.fleets[0] as { directory: { id: string } }).directory.id = 'directory-1';
    process.env.GMSA_READY_CONFIG = JSON.stringify(bad);
    await expect(lifecycle(eventFixture('lifecycle-launch-windows'), context('lifecycle'))).rejects.toThrow(
      'GMSA_READY_CONFIG is invalid: fleets[0].directory.id: must look like d-1234567890',
    );
    for (const mock of [ssm, sqs, tagging]) expect(mock.calls()).toEqual([]);
  });

  it('fails loudly when GMSA_READY_CONFIG is not JSON', async () => {
    process.env.GMSA_READY_CONFIG = 'fleets: [orders]';
    await expect(commandStatus(eventFixture('command-status-success'), context('command-status'))).rejects.toThrow(
      /^GMSA_READY_CONFIG is not JSON: /,
    );
  });

  it('fails loudly when a required variable is missing', async () => {
    delete process.env.WAKE_QUEUE_URL;
    await expect(lifecycle(eventFixture('lifecycle-launch-windows'), context('lifecycle'))).rejects.toThrow(
      'environment variable WAKE_QUEUE_URL is required',
    );
  });
});
