import {
  DescribeInstanceInformationCommand,
  GetCommandInvocationCommand,
  InvalidInstanceId,
  InvocationDoesNotExist,
  ListCommandsCommand,
  SendCommandCommand,
  SSMClient,
} from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { createAwsEffector } from '../../lib/aws/effector';
import type { EffectOf } from '../../lib/aws/outcome';
import { FAILURE_OUTPUT_MAX } from '../../lib/aws/ssm';
import { AT, awsError, sent } from './helpers';

const ssm = mockClient(SSMClient);
const env = {
  refreshWindowsDocument: 'gmsa-ready-refresh-windows',
  refreshLinuxDocument: 'gmsa-ready-refresh-linux',
  groupChangeDocument: 'gmsa-ready-group-change',
};
const effector = createAwsEffector(['runCommandStatus', 'hostCommands'], { ssm: new SSMClient({}), env });
const instanceId = 'i-0123456789abcdef0';

beforeEach(() => ssm.reset());

describe('describeAgent', () => {
  const effect = { type: 'describeAgent', instanceId } as const;

  it('filters by instance id and reports an Online agent with its computer name', async () => {
    ssm.on(DescribeInstanceInformationCommand).resolves({
      InstanceInformationList: [
        {
          InstanceId: instanceId,
          PingStatus: 'Online',
          ComputerName: 'EC2AMAZ-AB12CD.corp.example.com',
          PlatformType: 'Linux',
        },
      ],
    });
    expect(await effector.run(effect, AT)).toEqual({
      type: 'agent',
      at: AT,
      online: true,
      computerName: 'EC2AMAZ-AB12CD.corp.example.com',
      platformType: 'Linux',
    });
    expect(sent(ssm)).toEqual([
      [DescribeInstanceInformationCommand, { Filters: [{ Key: 'InstanceIds', Values: [instanceId] }], MaxResults: 50 }],
    ]);
  });

  it('is offline when the agent lost its connection', async () => {
    ssm.on(DescribeInstanceInformationCommand).resolves({
      InstanceInformationList: [{ InstanceId: instanceId, PingStatus: 'ConnectionLost', PlatformType: 'Windows' }],
    });
    expect(await effector.run(effect, AT)).toEqual({ type: 'agent', at: AT, online: false, platformType: 'Windows' });
  });

  it('is offline when the instance is not a managed node (yet)', async () => {
    ssm.on(DescribeInstanceInformationCommand).resolves({ InstanceInformationList: [] });
    expect(await effector.run(effect, AT)).toEqual({ type: 'agent', at: AT, online: false });
  });
});

describe('sendCommand', () => {
  const join = {
    type: 'sendCommand',
    purpose: 'join',
    platform: 'linux',
    instanceId,
    parameters: { directoryId: ['d-1234567890'], directoryName: ['corp.example.com'] },
    timeoutSeconds: 600,
  } satisfies EffectOf<'sendCommand'>;

  it('sends AWS-JoinDirectoryServiceDomain for a join', async () => {
    ssm.on(SendCommandCommand).resolves({ Command: { CommandId: 'cmd-1' } });
    expect(await effector.run(join, AT)).toEqual({ type: 'commandSent', at: AT, purpose: 'join', commandId: 'cmd-1' });
    expect(sent(ssm)).toEqual([
      [
        SendCommandCommand,
        {
          DocumentName: 'AWS-JoinDirectoryServiceDomain',
          InstanceIds: [instanceId],
          Parameters: { directoryId: ['d-1234567890'], directoryName: ['corp.example.com'] },
          TimeoutSeconds: 600,
          Comment: `gmsa-ready join ${instanceId}`,
        },
      ],
    ]);
  });

  it.each([
    ['windows', 'gmsa-ready-refresh-windows'],
    ['linux', 'gmsa-ready-refresh-linux'],
  ] as const)('sends the refresh document of a %s host', async (platform, document) => {
    ssm.on(SendCommandCommand).resolves({ Command: { CommandId: 'cmd-2' } });
    const refresh = { ...join, purpose: 'refresh' as const, parameters: {}, timeoutSeconds: 300, platform };
    expect(await effector.run(refresh, AT)).toEqual({
      type: 'commandSent',
      at: AT,
      purpose: 'refresh',
      commandId: 'cmd-2',
    });
    expect(sent(ssm)).toEqual([
      [
        SendCommandCommand,
        {
          DocumentName: document,
          InstanceIds: [instanceId],
          Parameters: {},
          TimeoutSeconds: 300,
          Comment: `gmsa-ready refresh ${instanceId}`,
        },
      ],
    ]);
  });

  it('cannot be built without the refresh documents (a compile error, not a runtime surprise)', () => {
    // @ts-expect-error hostCommands needs both refresh documents
    createAwsEffector(['hostCommands'], { ssm: new SSMClient({}), env: { refreshWindowsDocument: 'doc' } });
  });

  it('reports an instance SSM does not know as gone, without the parameters in the message', async () => {
    const secret = { ...join, parameters: { directoryId: ['d-1234567890'], password: ['hunter2'] } };
    ssm
      .on(SendCommandCommand)
      .rejects(new InvalidInstanceId({ message: 'Instances not in a valid state', $metadata: {} }));
    const signal = await effector.run(secret, AT);
    expect(signal).toEqual({
      type: 'failed',
      at: AT,
      effect: 'sendCommand',
      kind: 'gone',
      message: 'InvalidInstanceId: Instances not in a valid state',
    });
    expect(JSON.stringify(signal)).not.toContain('hunter2');
  });
});

describe('getCommandInvocation', () => {
  const effect = { type: 'getCommandInvocation', commandId: 'cmd-1', instanceId } as const;

  it('asks for the invocation and reports status and output', async () => {
    ssm.on(GetCommandInvocationCommand).resolves({ Status: 'Success', StandardOutputContent: 'EC2AMAZ-AB12CD\n' });
    expect(await effector.run(effect, AT)).toEqual({
      type: 'commandStatus',
      at: AT,
      commandId: 'cmd-1',
      status: 'Success',
      output: 'EC2AMAZ-AB12CD\n',
    });
    expect(sent(ssm)).toEqual([[GetCommandInvocationCommand, { CommandId: 'cmd-1', InstanceId: instanceId }]]);
  });

  it("reads a failed invocation's standard error, then output, bounded, stripped and with secrets redacted", async () => {
    const stderr = `${'noise\n'.repeat(2000)}realm: Couldn't join realm: Insufficient permissions to join the domain\u001b[0m\n`;
    const stdout = 'GMSA-READY-JOIN error realm join corp.example.com failed\npassword=Hunter2!\n';
    ssm
      .on(GetCommandInvocationCommand)
      .resolves({ Status: 'Failed', StandardOutputContent: stdout, StandardErrorContent: stderr });
    const outcome = await effector.run(effect, AT);
    const errorOutput = outcome?.type === 'commandStatus' ? (outcome.errorOutput ?? '') : '';
    expect(errorOutput.length).toBeLessThanOrEqual(2 * FAILURE_OUTPUT_MAX + 1);
    // The end of each stream is kept: that is where a script says why it failed.
    expect(errorOutput).toContain("realm: Couldn't join realm: Insufficient permissions to join the domain");
    expect(errorOutput).toContain('GMSA-READY-JOIN error realm join corp.example.com failed');
    expect(errorOutput.indexOf('realm: Couldn')).toBeLessThan(errorOutput.indexOf('GMSA-READY-JOIN'));
    expect(errorOutput.replace(/\n/g, '')).not.toMatch(/\p{Cc}/u);
    expect(errorOutput).not.toContain('Hunter2');
  });

  it('reads no error output of a command that succeeded or is still running', async () => {
    ssm.on(GetCommandInvocationCommand).resolves({ Status: 'InProgress', StandardErrorContent: 'warning: slow' });
    expect(await effector.run(effect, AT)).not.toHaveProperty('errorOutput');
  });

  it('reports InvocationDoesNotExist as NotFound', async () => {
    ssm
      .on(GetCommandInvocationCommand)
      .rejects(new InvocationDoesNotExist({ message: 'no invocation', $metadata: {} }));
    expect(await effector.run(effect, AT)).toEqual({
      type: 'commandStatus',
      at: AT,
      commandId: 'cmd-1',
      status: 'NotFound',
    });
  });

  it.each([
    ['TimedOut', 'Delivery Timed Out', 'DeliveryTimedOut'],
    ['TimedOut', 'Execution Timed Out', 'ExecutionTimedOut'],
    ['Failed', 'Undeliverable', 'Undeliverable'],
    ['Failed', 'Terminated', 'Terminated'],
    ['Failed', 'Access Denied', 'AccessDenied'],
    ['Failed', 'Invalid Platform', 'InvalidPlatform'],
    ['Failed', 'Failed', 'Failed'],
    ['TimedOut', 'Something New', 'TimedOut'],
    ['InProgress', 'In Progress', 'InProgress'],
    ['Cancelled', 'Terminated', 'Cancelled'],
  ] as const)('Status %s with StatusDetails %s is %s', async (Status, StatusDetails, status) => {
    ssm.on(GetCommandInvocationCommand).resolves({ Status, StatusDetails });
    expect(await effector.run(effect, AT)).toMatchObject({ type: 'commandStatus', status });
  });

  it('turns throttling that outlasted the SDK retries into a retryable failure', async () => {
    ssm.on(GetCommandInvocationCommand).rejects(awsError('ThrottlingException', 'Rate exceeded'));
    expect(await effector.run(effect, AT)).toEqual({
      type: 'failed',
      at: AT,
      effect: 'getCommandInvocation',
      kind: 'retryable',
      message: 'ThrottlingException: Rate exceeded',
    });
  });
});

describe('findCommand', () => {
  const since = new Date(AT * 1000 - 60_000);

  it('lists the join commands SSM holds for the host since the request', async () => {
    ssm.on(ListCommandsCommand).resolves({
      Commands: [
        { CommandId: 'older', RequestedDateTime: new Date(since.getTime() + 1000) },
        { CommandId: 'newer', RequestedDateTime: new Date(since.getTime() + 5000) },
      ],
    });
    const effect = { type: 'findCommand', purpose: 'join', platform: 'linux', instanceId, after: AT - 60 } as const;
    expect(await effector.run(effect, AT)).toEqual({
      type: 'commandsFound',
      at: AT,
      purpose: 'join',
      commandIds: ['newer', 'older'],
    });
    expect(sent(ssm)).toEqual([
      [
        ListCommandsCommand,
        {
          InstanceId: instanceId,
          Filters: [
            { key: 'DocumentName', value: 'AWS-JoinDirectoryServiceDomain' },
            { key: 'InvokedAfter', value: since.toISOString() },
          ],
          MaxResults: 50,
        },
      ],
    ]);
  });

  it('keeps only the group changes that carry this computer account', async () => {
    ssm.on(ListCommandsCommand).resolves({
      Commands: [
        { CommandId: 'others', Parameters: { ComputerNames: ['EC2AMAZ-OTHER1$,EC2AMAZ-OTHER2$'] } },
        { CommandId: 'ours', Parameters: { ComputerNames: ['EC2AMAZ-OTHER1$,ec2amaz-ab12cd$'] } },
      ],
    });
    const effect = {
      type: 'findCommand',
      purpose: 'authorize',
      platform: 'windows',
      instanceId,
      after: AT - 60,
      computerAccount: 'EC2AMAZ-AB12CD$',
    } as const;
    expect(await effector.run(effect, AT)).toMatchObject({ commandIds: ['ours'] });
    expect(sent(ssm)[0]?.[1]).toMatchObject({
      Filters: [{ key: 'DocumentName', value: 'gmsa-ready-group-change' }, expect.anything()],
    });
  });
});
