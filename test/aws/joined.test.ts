// The AWS effector's runJoined: effects of several hosts share one call where the API takes many.

import {
  DeleteAttributesCommand,
  type DeleteAttributesCommandInput,
  DescribeContainerInstancesCommand,
  ECSClient,
  ListContainerInstancesCommand,
  PutAttributesCommand,
  type PutAttributesCommandInput,
  UpdateContainerInstancesStateCommand,
} from '@aws-sdk/client-ecs';
import {
  ResourceGroupsTaggingAPIClient,
  TagResourcesCommand,
  type TagResourcesCommandInput,
} from '@aws-sdk/client-resource-groups-tagging-api';
import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import {
  DescribeInstanceInformationCommand,
  type DescribeInstanceInformationCommandInput,
  GetCommandInvocationCommand,
  SendCommandCommand,
  type SendCommandCommandInput,
  SSMClient,
} from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { createAwsEffector } from '../../lib/aws/effector';
import type { CredSpecCheck, Effect } from '../../lib/workflow/types';
import { AT, awsError } from './helpers';

const ssm = mockClient(SSMClient);
const tagging = mockClient(ResourceGroupsTaggingAPIClient);
const warn = vi.fn();
const env = {
  region: 'eu-west-1',
  accountId: '123456789012',
  refreshWindowsDocument: 'rw',
  refreshLinuxDocument: 'rl',
  groupChangeDocument: 'gc',
};
const effector = createAwsEffector(['runCommandStatus', 'tags'], {
  ssm: new SSMClient({}),
  tagging: new ResourceGroupsTaggingAPIClient({}),
  env,
  warn,
});

const id = (n: number) => `i-${n.toString(16).padStart(17, '0')}`;
const describe_ = (n: number): Effect => ({ type: 'describeAgent', instanceId: id(n) });
const tag = (n: number, status: 'READY' | 'LAUNCHING' = 'READY'): Effect => ({
  type: 'tag',
  instanceId: id(n),
  status,
  reason: null,
});
const idsAsked = () =>
  ssm
    .commandCalls(DescribeInstanceInformationCommand)
    .map((c) => (c.args[0].input as DescribeInstanceInformationCommandInput).Filters?.[0]?.Values);

beforeEach(() => {
  ssm.reset();
  tagging.reset();
  warn.mockClear();
});

describe('runJoined: describeAgent', () => {
  it('is joinable for a function holding runCommandStatus and tags', () => {
    expect([...(effector.joinable ?? [])].sort()).toEqual(['describeAgent', 'tag']);
  });

  it('asks for up to 50 agents in one call and answers each host from its own entry', async () => {
    ssm.on(DescribeInstanceInformationCommand).resolves({
      InstanceInformationList: [
        { InstanceId: id(2), PingStatus: 'Online', PlatformType: 'Windows', ComputerName: 'EC2AMAZ-2.corp' },
        { InstanceId: id(3), PingStatus: 'ConnectionLost', PlatformType: 'Linux' },
      ],
    });
    const signals = await effector.runJoined?.([describe_(1), describe_(2), describe_(3)], AT);
    expect(signals).toEqual([
      { type: 'agent', at: AT, online: false },
      { type: 'agent', at: AT, online: true, platformType: 'Windows', computerName: 'EC2AMAZ-2.corp' },
      { type: 'agent', at: AT, online: false, platformType: 'Linux' },
    ]);
    expect(idsAsked()).toEqual([[id(1), id(2), id(3)]]);
    expect(ssm.commandCalls(DescribeInstanceInformationCommand)[0]?.args[0].input.MaxResults).toBe(50);
  });

  it('cuts 120 hosts into calls of 50, 50 and 20', async () => {
    ssm.on(DescribeInstanceInformationCommand).resolves({ InstanceInformationList: [] });
    const effects = Array.from({ length: 120 }, (_, n) => describe_(n + 1));
    const signals = await effector.runJoined?.(effects, AT);
    expect(idsAsked().map((ids) => ids?.length)).toEqual([50, 50, 20]);
    expect(idsAsked().flat()).toEqual(effects.map((e) => (e as { instanceId: string }).instanceId));
    expect(signals).toHaveLength(120);
  });

  it('follows NextToken when SSM pages the answer', async () => {
    ssm
      .on(DescribeInstanceInformationCommand)
      .resolvesOnce({ InstanceInformationList: [{ InstanceId: id(1), PingStatus: 'Online' }], NextToken: 'n' })
      .resolvesOnce({ InstanceInformationList: [{ InstanceId: id(2), PingStatus: 'Online' }] });
    const signals = await effector.runJoined?.([describe_(1), describe_(2)], AT);
    expect(signals?.map((s) => s?.type === 'agent' && s.online)).toEqual([true, true]);
    expect(ssm.commandCalls(DescribeInstanceInformationCommand)[1]?.args[0].input.NextToken).toBe('n');
  });

  it('gives each host of a failed call its own classified failure, and only the hosts of that call', async () => {
    ssm
      .on(DescribeInstanceInformationCommand)
      .rejectsOnce(awsError('ThrottlingException', 'Rate exceeded'))
      .resolves({ InstanceInformationList: [] });
    const effects = Array.from({ length: 51 }, (_, n) => describe_(n + 1));
    const signals = (await effector.runJoined?.(effects, AT)) ?? [];
    const failed = signals.filter((s) => s?.type === 'failed');
    expect(failed).toHaveLength(50);
    expect(failed[0]).toEqual({
      type: 'failed',
      at: AT,
      effect: 'describeAgent',
      kind: 'retryable',
      message: expect.stringContaining('Rate exceeded'),
    });
    expect(signals.filter((s) => s?.type === 'agent')).toHaveLength(1);
  });

  it('asks for each host alone when SSM refuses the shared call for an invalid id, so only that host fails', async () => {
    ssm.on(DescribeInstanceInformationCommand).callsFake((input: DescribeInstanceInformationCommandInput) => {
      if (input.Filters?.[0]?.Values?.includes(id(2))) throw awsError('InvalidInstanceId');
      return { InstanceInformationList: [{ InstanceId: id(1), PingStatus: 'Online' }] };
    });
    const signals = await effector.runJoined?.([describe_(1), describe_(2)], AT);
    expect(signals?.map((s) => s?.type)).toEqual(['agent', 'failed']);
    expect(signals?.[1]).toMatchObject({ effect: 'describeAgent', kind: 'gone' });
    expect(idsAsked()).toEqual([[id(1), id(2)], [id(1)], [id(2)]]);
  });

  it('lets a bug (not an AWS error) escape', async () => {
    ssm.on(DescribeInstanceInformationCommand).rejects(new TypeError('boom'));
    await expect(effector.runJoined?.([describe_(1), describe_(2)], AT)).rejects.toThrow('boom');
  });
});

describe('runJoined: sendCommand', () => {
  const sender = createAwsEffector(['hostCommands'], {
    ssm: new SSMClient({}),
    env: { ...env, joinWindowsDocument: 'jw', joinLinuxDocument: 'jl' },
  });
  const join = (n: number, over: Partial<Extract<Effect, { type: 'sendCommand' }>> = {}): Effect => ({
    type: 'sendCommand',
    purpose: 'join',
    platform: 'windows',
    instanceId: id(n),
    parameters: { directoryId: ['d-1234567890'], directoryName: ['corp.example.com'] },
    timeoutSeconds: 2700,
    ...over,
  });
  const sends = () => ssm.commandCalls(SendCommandCommand).map((c) => c.args[0].input as SendCommandCommandInput);
  let commands = 0;
  beforeEach(() => {
    commands = 0;
    ssm.on(SendCommandCommand).callsFake(() => ({ Command: { CommandId: `cmd-${++commands}` } }));
  });

  it('is joinable for a function holding hostCommands', () => {
    expect([...(sender.joinable ?? [])]).toEqual(['sendCommand']);
  });

  it('sends the same join to three hosts as one command and gives each host its id', async () => {
    const signals = await sender.runJoined?.([join(1), join(2), join(3)], AT);
    expect(sends()).toEqual([
      {
        DocumentName: 'AWS-JoinDirectoryServiceDomain',
        InstanceIds: [id(1), id(2), id(3)],
        Parameters: { directoryId: ['d-1234567890'], directoryName: ['corp.example.com'] },
        TimeoutSeconds: 2700,
        Comment: 'gmsa-ready join 3 hosts',
      },
    ]);
    expect(signals).toEqual(Array(3).fill({ type: 'commandSent', at: AT, purpose: 'join', commandId: 'cmd-1' }));
  });

  it('keeps the one-host comment for a command sent alone', async () => {
    expect(await sender.run(join(1), AT)).toEqual({ type: 'commandSent', at: AT, purpose: 'join', commandId: 'cmd-1' });
    expect(sends().map((s) => [s.InstanceIds, s.Comment])).toEqual([[[id(1)], `gmsa-ready join ${id(1)}`]]);
  });

  it('sends apart what would not be the identical command: document, purpose, parameters, timeout', async () => {
    const effects = [
      join(1),
      join(2, { parameters: { directoryId: ['d-1234567890'], directoryName: ['other.example.com'] } }),
      join(3, { timeoutSeconds: 1800 }),
      join(4, { selfManagedJoin: true }),
      join(5, { selfManagedJoin: true, platform: 'linux' }),
      join(6, { purpose: 'refresh', parameters: {} }),
      join(7, { purpose: 'refresh', parameters: {}, platform: 'linux' }),
      // The same parameters named in another order are the same command.
      join(8, { parameters: { directoryName: ['corp.example.com'], directoryId: ['d-1234567890'] } }),
    ];
    const signals = (await sender.runJoined?.(effects, AT)) ?? [];
    expect(sends().map((s) => [s.DocumentName, s.InstanceIds])).toEqual([
      ['AWS-JoinDirectoryServiceDomain', [id(1), id(8)]],
      ['AWS-JoinDirectoryServiceDomain', [id(2)]],
      ['AWS-JoinDirectoryServiceDomain', [id(3)]],
      ['jw', [id(4)]],
      ['jl', [id(5)]],
      ['rw', [id(6)]],
      ['rl', [id(7)]],
    ]);
    expect(signals.map((s) => s?.type === 'commandSent' && s.commandId)).toEqual([
      'cmd-1',
      'cmd-2',
      'cmd-3',
      'cmd-4',
      'cmd-5',
      'cmd-6',
      'cmd-7',
      'cmd-1',
    ]);
  });

  it('cuts 51 hosts into commands of 50 and 1', async () => {
    const effects = Array.from({ length: 51 }, (_, n) => join(n + 1));
    const signals = (await sender.runJoined?.(effects, AT)) ?? [];
    expect(sends().map((s) => s.InstanceIds?.length)).toEqual([50, 1]);
    expect(sends().flatMap((s) => s.InstanceIds)).toEqual(effects.map((e) => (e as { instanceId: string }).instanceId));
    expect(new Set(signals.slice(0, 50).map((s) => s?.type === 'commandSent' && s.commandId))).toEqual(
      new Set(['cmd-1']),
    );
    expect(signals[50]).toMatchObject({ commandId: 'cmd-2' });
  });

  it('sends to each host alone when SSM refuses the shared command for an invalid id, so only that host fails', async () => {
    ssm.on(SendCommandCommand).callsFake((input: SendCommandCommandInput) => {
      if (input.InstanceIds?.includes(id(2))) throw awsError('InvalidInstanceId', 'Instances not in a valid state');
      return { Command: { CommandId: `cmd-${++commands}` } };
    });
    const signals = await sender.runJoined?.([join(1), join(2), join(3)], AT);
    expect(sends().map((s) => s.InstanceIds)).toEqual([[id(1), id(2), id(3)], [id(1)], [id(2)], [id(3)]]);
    expect(signals?.map((s) => s?.type)).toEqual(['commandSent', 'failed', 'commandSent']);
    expect(signals?.[1]).toMatchObject({ effect: 'sendCommand', kind: 'gone' });
    expect(sends().map((s) => s.Comment)).toContain(`gmsa-ready join ${id(3)}`);
  });

  it('gives every host of a command SSM throttled its own classified failure', async () => {
    ssm.on(SendCommandCommand).rejects(awsError('ThrottlingException', 'Rate exceeded'));
    const signals = await sender.runJoined?.([join(1), join(2)], AT);
    expect(signals?.map((s) => s?.type === 'failed' && [s.effect, s.kind])).toEqual([
      ['sendCommand', 'retryable'],
      ['sendCommand', 'retryable'],
    ]);
    expect(sends()).toHaveLength(1);
  });

  it('sends a host named twice once', async () => {
    const signals = await sender.runJoined?.([join(1), join(1)], AT);
    expect(sends().map((s) => s.InstanceIds)).toEqual([[id(1)]]);
    expect(signals?.map((s) => s?.type === 'commandSent' && s.commandId)).toEqual(['cmd-1', 'cmd-1']);
  });
});

describe('runJoined: tags', () => {
  const arn = (n: number) => `arn:aws:ec2:eu-west-1:123456789012:instance/${id(n)}`;
  const tagCalls = () =>
    tagging.commandCalls(TagResourcesCommand).map((c) => c.args[0].input as TagResourcesCommandInput);

  it('tags hosts with equal tags together, 20 ARNs a call, and hosts with other tags apart', async () => {
    tagging.on(TagResourcesCommand).resolves({ FailedResourcesMap: {} });
    const ready = Array.from({ length: 21 }, (_, n) => tag(n + 1));
    expect(await effector.runJoined?.([...ready, tag(30, 'LAUNCHING')], AT)).toEqual(Array(22).fill(undefined));
    const calls = tagCalls();
    expect(calls.map((c) => [c.Tags?.['gmsa-ready:status'], c.ResourceARNList?.length])).toEqual([
      ['READY', 20],
      ['READY', 1],
      ['LAUNCHING', 1],
    ]);
    expect(calls[2]?.ResourceARNList).toEqual([arn(30)]);
  });

  it('warns about each resource TagResources reports failed, naming its host', async () => {
    tagging.on(TagResourcesCommand).resolves({
      FailedResourcesMap: { [arn(2)]: { ErrorCode: 'InvalidParameterException', ErrorMessage: 'gone' } },
    });
    await effector.runJoined?.([tag(1), tag(2)], AT);
    expect(warn.mock.calls).toEqual([
      ['tagging the instance failed', { instanceId: id(2), failures: [`${arn(2)}: InvalidParameterException gone`] }],
    ]);
  });

  it('warns for every host of a failed call and reports nothing to the workflow', async () => {
    tagging.on(TagResourcesCommand).rejects(awsError('ThrottledException', 'Rate exceeded'));
    expect(await effector.runJoined?.([tag(1), tag(2)], AT)).toEqual([undefined, undefined]);
    expect(warn.mock.calls.map(([, fields]) => fields.instanceId)).toEqual([id(1), id(2)]);
  });
});

describe('runJoined: other effects', () => {
  it('performs an effect no call can share on its own, in its place among the others', async () => {
    ssm.on(DescribeInstanceInformationCommand).resolves({ InstanceInformationList: [] });
    tagging.on(TagResourcesCommand).resolves({});
    const other: Effect = { type: 'getCommandInvocation', commandId: 'c-1', instanceId: id(9) };
    ssm.on(GetCommandInvocationCommand).resolves({ Status: 'Success' });
    const signals = await effector.runJoined?.([describe_(1), other, tag(2)], AT);
    expect(signals?.map((s) => s?.type)).toEqual(['agent', 'commandStatus', undefined]);
  });
});

describe('runJoined: wakes', () => {
  const sqs = mockClient(SQSClient);
  const queues = { wakeQueueUrl: 'https://sqs/wake', directoryQueueUrl: 'https://sqs/directory' };
  const enqueuer = createAwsEffector(['enqueue'], { sqs: new SQSClient({}), env: queues });
  const wake = (n: number): Effect => ({ type: 'wake', instanceId: id(n), delaySeconds: 2.5 });
  beforeEach(() => sqs.reset());

  it('sends up to 10 wakes per SendMessageBatch, each with its own delay rounded up', async () => {
    sqs.on(SendMessageBatchCommand).resolves({ Successful: [], Failed: [] });
    const effects = Array.from({ length: 12 }, (_, n) => wake(n + 1));
    expect(await enqueuer.runJoined?.(effects, AT)).toEqual(Array(12).fill(undefined));
    const batches = sqs.commandCalls(SendMessageBatchCommand).map((c) => c.args[0].input.Entries ?? []);
    expect(batches.map((entries) => entries.length)).toEqual([10, 2]);
    expect(batches[1]?.[1]).toEqual({ Id: '1', MessageBody: JSON.stringify({ instanceId: id(12) }), DelaySeconds: 3 });
  });

  it('reports a wake SQS refused to its own host only', async () => {
    sqs.on(SendMessageBatchCommand).resolves({
      Successful: [{ Id: '0', MessageId: 'm', MD5OfMessageBody: 'x' }],
      Failed: [{ Id: '1', Code: 'InternalError', Message: 'try again', SenderFault: false }],
    });
    expect(await enqueuer.runJoined?.([wake(1), wake(2)], AT)).toEqual([
      undefined,
      { type: 'failed', at: AT, effect: 'wake', kind: 'retryable', message: 'InternalError: try again' },
    ]);
  });
});

describe('runJoined: container instance writes', () => {
  const ecs = mockClient(ECSClient);
  const containers = createAwsEffector(['containers'], { ecs: new ECSClient({}) });
  const arnOf = (n: number, cluster = 'orders') =>
    `arn:aws:ecs:eu-west-1:123456789012:container-instance/${cluster}/${n.toString(16).padStart(32, '0')}`;
  const put = (n: number, cluster = 'orders'): Effect => ({
    type: 'putReadyAttribute',
    cluster,
    containerInstanceArn: arnOf(n, cluster),
    name: 'gmsa-ready',
  });
  const remove = (n: number): Effect => ({
    type: 'deleteReadyAttribute',
    cluster: 'orders',
    containerInstanceArn: arnOf(n),
    name: 'gmsa-ready',
  });
  const drain = (n: number): Effect => ({ type: 'drain', cluster: 'orders', containerInstanceArn: arnOf(n) });
  const targets = (calls: { args: [{ input: object }] }[]) =>
    calls.map((c) => ((c.args[0].input as PutAttributesCommandInput).attributes ?? []).map((a) => a.targetId));

  beforeEach(() => ecs.reset());

  it('is joinable for a function holding containers', () => {
    expect([...(containers.joinable ?? [])].sort()).toEqual(['deleteReadyAttribute', 'drain', 'putReadyAttribute']);
  });

  it('puts the ready attribute on up to 10 container instances of a cluster per call, other clusters apart', async () => {
    ecs.on(PutAttributesCommand).resolves({});
    const effects = [...Array.from({ length: 11 }, (_, n) => put(n + 1)), put(20, 'billing')];
    const signals = await containers.runJoined?.(effects, AT);
    expect(signals).toEqual(effects.map(() => ({ type: 'done', effect: 'putReadyAttribute', at: AT })));
    const calls = ecs.commandCalls(PutAttributesCommand);
    expect(calls.map((c) => c.args[0].input.cluster)).toEqual(['orders', 'orders', 'billing']);
    expect(targets(calls)).toEqual([
      Array.from({ length: 10 }, (_, n) => arnOf(n + 1)),
      [arnOf(11)],
      [arnOf(20, 'billing')],
    ]);
    expect(calls[0]?.args[0].input.attributes?.[0]).toEqual({
      name: 'gmsa-ready',
      value: 'true',
      targetType: 'container-instance',
      targetId: arnOf(1),
    });
  });

  it('puts to each alone when a gone target refuses the shared call, so only that host fails', async () => {
    ecs.on(PutAttributesCommand).callsFake((input: PutAttributesCommandInput) => {
      if (input.attributes?.some((a) => a.targetId === arnOf(2)))
        throw awsError('TargetNotFoundException', 'Could not find the target');
      return {};
    });
    const signals = await containers.runJoined?.([put(1), put(2), put(3)], AT);
    expect(signals?.map((s) => (s?.type === 'failed' ? s.kind : s?.type))).toEqual(['done', 'gone', 'done']);
    expect(targets(ecs.commandCalls(PutAttributesCommand))).toEqual([
      [arnOf(1), arnOf(2), arnOf(3)],
      [arnOf(1)],
      [arnOf(2)],
      [arnOf(3)],
    ]);
  });

  it('deletes the attribute from several hosts at once; a gone target took its attribute with it', async () => {
    ecs.on(DeleteAttributesCommand).callsFake((input: DeleteAttributesCommandInput) => {
      if (input.attributes?.some((a) => a.targetId === arnOf(2)))
        throw awsError('TargetNotFoundException', 'Could not find the target');
      return {};
    });
    const signals = await containers.runJoined?.([remove(1), remove(2)], AT);
    expect(signals).toEqual([
      { type: 'done', effect: 'deleteReadyAttribute', at: AT },
      { type: 'done', effect: 'deleteReadyAttribute', at: AT },
    ]);
    expect(ecs.commandCalls(DeleteAttributesCommand)[0]?.args[0].input.attributes).toEqual([
      { name: 'gmsa-ready', targetType: 'container-instance', targetId: arnOf(1) },
      { name: 'gmsa-ready', targetType: 'container-instance', targetId: arnOf(2) },
    ]);
  });

  it('drains several hosts in one call and answers each from its own entry', async () => {
    ecs.on(UpdateContainerInstancesStateCommand).resolves({
      containerInstances: [
        { containerInstanceArn: arnOf(1), status: 'DRAINING', runningTasksCount: 2, pendingTasksCount: 0 },
        { containerInstanceArn: arnOf(3), status: 'DRAINING', runningTasksCount: 0, pendingTasksCount: 0 },
      ],
      failures: [
        { arn: arnOf(2), reason: 'MISSING' },
        { arn: arnOf(4), reason: 'INVALID_STATUS', detail: 'REGISTERING' },
      ],
    });
    const signals = await containers.runJoined?.([drain(1), drain(2), drain(3), drain(4)], AT);
    expect(signals?.map((s) => s?.type)).toEqual(['done', 'done', 'drainStatus', 'failed']);
    expect(signals?.[3]).toMatchObject({
      kind: 'invalid',
      message: `UpdateContainerInstancesState failed for ${arnOf(4)}: INVALID_STATUS (REGISTERING)`,
    });
    expect(ecs.commandCalls(UpdateContainerInstancesStateCommand)[0]?.args[0].input).toEqual({
      cluster: 'orders',
      containerInstances: [arnOf(1), arnOf(2), arnOf(3), arnOf(4)],
      status: 'DRAINING',
    });
  });

  it('gives every host of a throttled call its own classified failure', async () => {
    ecs.on(UpdateContainerInstancesStateCommand).rejects(awsError('ThrottlingException', 'Rate exceeded'));
    const signals = await containers.runJoined?.([drain(1), drain(2)], AT);
    expect(signals?.map((s) => (s?.type === 'failed' ? s.kind : s?.type))).toEqual(['retryable', 'retryable']);
  });
});

describe('runJoined: inspect', () => {
  const ecs = mockClient(ECSClient);
  const checks = (instanceId: string): CredSpecCheck[] => [
    { source: `spec-of-${instanceId}`, valid: true, findings: [] },
  ];
  const verify = createAwsEffector(['verify'], {
    ecs: new ECSClient({}),
    credSpecs: async (effect) => checks(effect.instanceId),
  });
  const inspect = (n: number, cluster = 'orders'): Effect => ({
    type: 'inspect',
    cluster,
    instanceId: id(n),
    credentialSpecs: ['arn:aws:ssm:us-east-1:123456789012:parameter/spec'],
    directoryName: 'corp.example.com',
    platform: 'windows',
    mode: 'domain-joined',
    discover: false,
  });
  const arnOf = (n: number, registration = 'a') =>
    `arn:aws:ecs:eu-west-1:123456789012:container-instance/orders/${registration}${n}`;
  const instance = (n: number, registration = 'a', registeredAt = 1000) => ({
    containerInstanceArn: arnOf(n, registration),
    ec2InstanceId: id(n),
    status: 'ACTIVE',
    agentConnected: true,
    registeredAt: new Date(registeredAt * 1000),
    attributes: [{ name: 'ecs.capability.gmsa' }],
  });

  beforeEach(() => ecs.reset());

  it('finds the container instances of up to 10 hosts of a cluster with one listing and one describe', async () => {
    ecs.on(ListContainerInstancesCommand).resolves({ containerInstanceArns: [arnOf(1), arnOf(3), arnOf(3, 'b')] });
    ecs.on(DescribeContainerInstancesCommand).resolves({
      containerInstances: [instance(1), instance(3), instance(3, 'b', 2000)],
    });
    const effects = Array.from({ length: 11 }, (_, n) => inspect(n + 1));
    const signals = await verify.runJoined?.(effects, AT);

    const filters = ecs.commandCalls(ListContainerInstancesCommand).map((c) => c.args[0].input.filter);
    expect(filters).toEqual([
      `ec2InstanceId in [${Array.from({ length: 10 }, (_, n) => `'${id(n + 1)}'`).join(', ')}]`,
      `ec2InstanceId == '${id(11)}'`,
    ]);
    expect(signals?.[0]).toMatchObject({ type: 'inspected', containerInstance: { arn: arnOf(1) } });
    expect(signals?.[1]).toEqual({ type: 'inspected', at: AT, credentialSpecs: checks(id(2)) });
    // The agent registered host 3 twice: the newest registration is the live one.
    expect(signals?.[2]).toMatchObject({ containerInstance: { arn: arnOf(3, 'b') }, credentialSpecs: checks(id(3)) });
  });

  it('gives every host of a throttled listing its own classified failure', async () => {
    ecs.on(ListContainerInstancesCommand).rejects(awsError('ThrottlingException', 'Rate exceeded'));
    const signals = await verify.runJoined?.([inspect(1), inspect(2)], AT);
    expect(signals?.map((s) => (s?.type === 'failed' ? `${s.effect}:${s.kind}` : s?.type))).toEqual([
      'inspect:retryable',
      'inspect:retryable',
    ]);
  });
});
