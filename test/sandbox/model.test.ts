// The simulated account at the SDK level, without gmsa-ready's handlers: real SDK clients, intercepted,
// against the model on a virtual clock. Each test drives the clock by hand.
import {
  AutoScalingClient,
  CompleteLifecycleActionCommand,
  RecordLifecycleActionHeartbeatCommand,
} from '@aws-sdk/client-auto-scaling';
import { DescribeInstancesCommand, EC2Client } from '@aws-sdk/client-ec2';
import {
  DeleteAttributesCommand,
  DescribeContainerInstancesCommand,
  ECSClient,
  ListContainerInstancesCommand,
  PutAttributesCommand,
  UpdateContainerInstancesStateCommand,
} from '@aws-sdk/client-ecs';
import { ResourceGroupsTaggingAPIClient, TagResourcesCommand } from '@aws-sdk/client-resource-groups-tagging-api';
import { SendMessageBatchCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import {
  DescribeInstanceInformationCommand,
  GetCommandInvocationCommand,
  GetParameterCommand,
  ListCommandsCommand,
  SendCommandCommand,
  SSMClient,
} from '@aws-sdk/client-ssm';
import type { EventBridgeEvent, SQSEvent } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { classify } from '../../lib/aws/errors';
import { deploymentNames } from '../../lib/sandbox/functions';
import { SandboxIam } from '../../lib/sandbox/iam';
import { interceptAws } from '../../lib/sandbox/intercept';
import { Account } from '../../lib/sandbox/model/account';
import { Random } from '../../lib/sandbox/random';
import { Scheduler } from '../../lib/sandbox/scheduler';
import { timings } from '../../lib/sandbox/timings';
import type { World } from '../../lib/sandbox/world';
import { LINUX, MGMT, WIN, world } from './fixtures';

const config = { region: 'us-east-1', credentials: { accessKeyId: 'AKID', secretAccessKey: 'secret' } };
const ssm = new SSMClient(config);
const autoScaling = new AutoScalingClient(config);
const ecs = new ECSClient(config);
const sqs = new SQSClient(config);
const ec2 = new EC2Client(config);
const tagging = new ResourceGroupsTaggingAPIClient(config);
const names = deploymentNames(world({}));

const WIN_HOST = 'i-0aaaaaaaaaaaaaaa1';
const LINUX_HOST = 'i-0bbbbbbbbbbbbbbb1';

interface Delivered {
  lifecycle: EventBridgeEvent<string, Record<string, string>>[];
  commandStatus: EventBridgeEvent<string, Record<string, string>>[];
  wake: SQSEvent[];
  directory: SQSEvent[];
}

let scheduler: Scheduler;
let account: Account;
let delivered: Delivered;
let restore: () => void;

function start(w: World, seed = 7): void {
  scheduler = new Scheduler(Date.parse(w.start) / 1000);
  delivered = { lifecycle: [], commandStatus: [], wake: [], directory: [] };
  account = new Account({
    world: w,
    scheduler,
    random: new Random(seed),
    documents: names.documents,
    queueUrls: names.queueUrls,
    targets: {
      lifecycle: async (e) => void delivered.lifecycle.push(e as Delivered['lifecycle'][number]),
      commandStatus: async (e) => void delivered.commandStatus.push(e as Delivered['commandStatus'][number]),
      wake: async (e) => {
        delivered.wake.push(e);
        return [];
      },
      directory: async (e) => {
        delivered.directory.push(e);
        return [];
      },
    },
  });
  // Calls made here run outside any function's invocation: the IAM check judges none of them.
  const iam = new SandboxIam(w, { region: w.region, account: w.account, groupOf: () => undefined });
  restore = interceptAws(account, iam);
}

/** Runs every job due up to `seconds` after the start. */
const runUntil = (seconds: number) => scheduler.runUntil(scheduler.startedAt + seconds);

const hosts = () => [
  { instanceId: WIN_HOST, autoScalingGroupName: WIN, hostname: 'EC2AMAZ-7Q2LK9D' },
  { instanceId: LINUX_HOST, autoScalingGroupName: LINUX },
];

beforeEach(() => start(world({ instances: hosts() })));
afterEach(() => restore());

describe('instances and the SSM agent', () => {
  it('reports the agent Online a minute after launch, with the pre-join computer name', async () => {
    account.launch(WIN_HOST);
    await runUntil(59);
    const early = await ssm.send(
      new DescribeInstanceInformationCommand({ Filters: [{ Key: 'InstanceIds', Values: [WIN_HOST] }] }),
    );
    expect(early.InstanceInformationList).toEqual([]);
    await runUntil(60);
    const online = await ssm.send(
      new DescribeInstanceInformationCommand({ Filters: [{ Key: 'InstanceIds', Values: [WIN_HOST] }] }),
    );
    expect(online.InstanceInformationList?.[0]).toMatchObject({
      InstanceId: WIN_HOST,
      PingStatus: 'Online',
      PlatformType: 'Windows',
      ComputerName: 'EC2AMAZ-7Q2LK9D',
    });
  });

  it('refuses SendCommand to an instance whose agent is not online with InvalidInstanceId (gone)', async () => {
    account.launch(WIN_HOST);
    const error = await ssm
      .send(new SendCommandCommand({ DocumentName: 'AWS-JoinDirectoryServiceDomain', InstanceIds: [WIN_HOST] }))
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'InvalidInstanceId', $fault: 'client', $metadata: { httpStatusCode: 400 } });
    expect(classify(error)).toBe('gone');
  });

  it('sends the launch lifecycle event about a second after launch, shaped like Auto Scaling', async () => {
    account.launch(WIN_HOST);
    await runUntil(1);
    expect(delivered.lifecycle).toHaveLength(1);
    expect(delivered.lifecycle[0]).toMatchObject({
      source: 'aws.autoscaling',
      'detail-type': 'EC2 Instance-launch Lifecycle Action',
      detail: {
        AutoScalingGroupName: WIN,
        EC2InstanceId: WIN_HOST,
        LifecycleTransition: 'autoscaling:EC2_INSTANCE_LAUNCHING',
        LifecycleHookName: 'gmsa-ready-launch',
      },
    });
    expect(delivered.lifecycle[0]?.detail.LifecycleActionToken).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('Run Command', () => {
  const join = (instanceId: string) =>
    ssm.send(
      new SendCommandCommand({
        DocumentName: 'AWS-JoinDirectoryServiceDomain',
        InstanceIds: [instanceId],
        Parameters: { directoryId: ['d-1234567890'], directoryName: ['corp.example.com'] },
        TimeoutSeconds: 600,
      }),
    );
  const sidOf = (name: string) => account.directory.computer(name)?.objectSid ?? '-';
  const invocation = (commandId: string, instanceId: string) =>
    ssm.send(new GetCommandInvocationCommand({ CommandId: commandId, InstanceId: instanceId }));

  it('says InvocationDoesNotExist right after SendCommand, then InProgress, then Success with a status event', async () => {
    account.launch(WIN_HOST);
    await runUntil(60);
    const commandId = (await join(WIN_HOST)).Command?.CommandId ?? '';
    await expect(invocation(commandId, WIN_HOST)).rejects.toMatchObject({ name: 'InvocationDoesNotExist' });
    await runUntil(63);
    expect((await invocation(commandId, WIN_HOST)).Status).toBe('InProgress');
    await runUntil(60 + 1 + 240);
    expect(await invocation(commandId, WIN_HOST)).toMatchObject({ Status: 'Success', ResponseCode: 0 });
    expect(delivered.commandStatus).toHaveLength(0);
    await runUntil(60 + 1 + 240 + 1);
    expect(delivered.commandStatus[0]).toMatchObject({
      'detail-type': 'EC2 Command Invocation Status-change Notification',
      detail: { 'command-id': commandId, 'instance-id': WIN_HOST, status: 'Success' },
    });
    expect(account.directory.hasComputer('EC2AMAZ-7Q2LK9D$')).toBe(true);
    const info = await ssm.send(
      new DescribeInstanceInformationCommand({ Filters: [{ Key: 'InstanceIds', Values: [WIN_HOST] }] }),
    );
    expect(info.InstanceInformationList?.[0]?.ComputerName).toBe('EC2AMAZ-7Q2LK9D.corp.example.com');
  });

  it('lists the commands an instance got, by document and since a time, as ListCommands does', async () => {
    account.launch(WIN_HOST);
    await runUntil(60);
    const commandId = (await join(WIN_HOST)).Command?.CommandId;
    const list = (document: string, since: number) =>
      ssm.send(
        new ListCommandsCommand({
          InstanceId: WIN_HOST,
          Filters: [
            { key: 'DocumentName', value: document },
            { key: 'InvokedAfter', value: new Date(since * 1000).toISOString() },
          ],
        }),
      );
    const start = scheduler.now() - 60;
    expect((await list('AWS-JoinDirectoryServiceDomain', start)).Commands?.map((c) => c.CommandId)).toEqual([
      commandId,
    ]);
    expect((await list('AWS-JoinDirectoryServiceDomain', scheduler.now() + 1)).Commands).toEqual([]);
    expect((await list(names.documents.refreshWindows, start)).Commands).toEqual([]);
  });

  it('renames a Linux host on join to EC2AMAZ- plus 6 characters, the same for the same seed', async () => {
    const joinedName = async () => {
      account.launch(LINUX_HOST);
      await runUntil(60);
      await join(LINUX_HOST);
      await runUntil(200);
      const info = await ssm.send(
        new DescribeInstanceInformationCommand({ Filters: [{ Key: 'InstanceIds', Values: [LINUX_HOST] }] }),
      );
      return info.InstanceInformationList?.[0]?.ComputerName;
    };
    const first = await joinedName();
    expect(first).toMatch(/^EC2AMAZ-[A-Z0-9]{6}\.corp\.example\.com$/);
    restore();
    start(world({ instances: hosts() }));
    expect(await joinedName()).toBe(first);
  });

  it('models join-fails as Failed and join-times-out as TimedOut / Delivery Timed Out at the command timeout', async () => {
    restore();
    start(
      world({
        instances: [
          { instanceId: WIN_HOST, autoScalingGroupName: WIN, faults: ['join-fails'] },
          { instanceId: LINUX_HOST, autoScalingGroupName: LINUX, faults: ['join-times-out'] },
        ],
      }),
    );
    account.launch(WIN_HOST);
    account.launch(LINUX_HOST);
    await runUntil(60);
    const failing = (await join(WIN_HOST)).Command?.CommandId ?? '';
    const hanging = (await join(LINUX_HOST)).Command?.CommandId ?? '';
    await runUntil(600);
    expect((await invocation(failing, WIN_HOST)).Status).toBe('Failed');
    expect((await invocation(hanging, LINUX_HOST)).Status).toBe('InProgress');
    await runUntil(60 + 600);
    expect(await invocation(hanging, LINUX_HOST)).toMatchObject({
      Status: 'TimedOut',
      StatusDetails: 'Delivery Timed Out',
    });
    expect(account.directory.snapshot().computers).toEqual(['BUILD01$', 'MGMT01$']);
  });

  it('runs a GroupChange on the management host with one result line per name; authorize-fails fails its name only', async () => {
    restore();
    start(
      world({
        instances: [
          { instanceId: WIN_HOST, autoScalingGroupName: WIN, hostname: 'EC2AMAZ-AAAAAAA' },
          {
            instanceId: 'i-0aaaaaaaaaaaaaaa2',
            autoScalingGroupName: WIN,
            hostname: 'EC2AMAZ-BBBBBBB',
            faults: ['authorize-fails'],
          },
        ],
      }),
    );
    for (const id of [WIN_HOST, 'i-0aaaaaaaaaaaaaaa2']) account.launch(id);
    await runUntil(60);
    await join(WIN_HOST);
    await join('i-0aaaaaaaaaaaaaaa2');
    await runUntil(400);
    const sent = await ssm.send(
      new SendCommandCommand({
        DocumentName: names.documents.groupChange,
        InstanceIds: [MGMT],
        Parameters: {
          Action: ['add'],
          GroupName: ['OrdersApiHosts'],
          ComputerNames: ['EC2AMAZ-AAAAAAA$,EC2AMAZ-BBBBBBB$'],
          ObjectSids: [`${sidOf('EC2AMAZ-AAAAAAA$')},${sidOf('EC2AMAZ-BBBBBBB$')}`],
          DeleteComputerAccount: ['false'],
          DomainName: ['corp.example.com'],
        },
      }),
    );
    await runUntil(420);
    const result = await invocation(sent.Command?.CommandId ?? '', MGMT);
    expect(result.StandardOutputContent).toBe(
      'GMSA-READY-RESULT EC2AMAZ-AAAAAAA$ ok\nGMSA-READY-RESULT EC2AMAZ-BBBBBBB$ error Insufficient access rights to perform the operation\n',
    );
    expect(account.directory.members('OrdersApiHosts').sort()).toEqual(['BUILD01$', 'EC2AMAZ-AAAAAAA$']);
  });

  /** Runs a GroupChange on the management host and returns its output. */
  async function groupChange(parameters: Record<string, string[]>, until: number): Promise<string> {
    const sent = await ssm.send(
      new SendCommandCommand({
        DocumentName: names.documents.groupChange,
        InstanceIds: [MGMT],
        Parameters: {
          GroupName: ['OrdersApiHosts'],
          DeleteComputerAccount: ['false'],
          DomainName: ['corp.example.com'],
          ...parameters,
        },
      }),
    );
    await runUntil(until);
    return (await invocation(sent.Command?.CommandId ?? '', MGMT)).StandardOutputContent ?? '';
  }

  it('gives every computer a SID, GUID, whenCreated, DN and dNSHostName, and resolve prints them', async () => {
    account.launch(WIN_HOST);
    await runUntil(60);
    await ssm.send(
      new SendCommandCommand({
        DocumentName: 'AWS-JoinDirectoryServiceDomain',
        InstanceIds: [WIN_HOST],
        Parameters: {
          directoryId: ['d-1234567890'],
          directoryName: ['corp.example.com'],
          directoryOU: ['OU=Hosts,DC=corp,DC=example,DC=com'],
        },
      }),
    );
    await runUntil(400);
    const joined = account.directory.computer('EC2AMAZ-7Q2LK9D$');
    expect(joined).toMatchObject({
      objectSid: expect.stringMatching(/^S-1-5-21-\d+-\d+-\d+-\d+$/),
      objectGuid: expect.stringMatching(/^[0-9a-f-]{36}$/),
      distinguishedName: 'CN=EC2AMAZ-7Q2LK9D,OU=Hosts,DC=corp,DC=example,DC=com',
      dNSHostName: 'ec2amaz-7q2lk9d.corp.example.com',
    });
    expect(joined?.whenCreated).toBeGreaterThan(scheduler.startedAt + 60);
    // The world's own computers exist from long before.
    expect(account.directory.computer('BUILD01$')?.whenCreated).toBeLessThan(scheduler.startedAt - 86_400);
    const output = await groupChange(
      { Action: ['resolve'], ComputerNames: ['EC2AMAZ-7Q2LK9D$,BUILD01$'], ObjectSids: ['-,-'] },
      420,
    );
    // Resolve also reports each name's membership by objectSID (the adoption path reads it).
    const all = output.trim().split('\n');
    expect(all).toContain(`GMSA-READY-MEMBERSHIP EC2AMAZ-7Q2LK9D$ ${joined?.objectSid} not-member`);
    const lines = all.filter((line) => !line.startsWith('GMSA-READY-MEMBERSHIP'));
    expect(lines[0]).toBe(
      `GMSA-READY-IDENTITY EC2AMAZ-7Q2LK9D$ ${JSON.stringify({
        sAMAccountName: 'EC2AMAZ-7Q2LK9D$',
        objectSid: joined?.objectSid,
        objectGuid: joined?.objectGuid,
        distinguishedName: joined?.distinguishedName,
        whenCreated: new Date((joined?.whenCreated ?? 0) * 1000).toISOString(),
        dNSHostName: 'ec2amaz-7q2lk9d.corp.example.com',
      })}`,
    );
    expect(lines[1]).toBe('GMSA-READY-RESULT EC2AMAZ-7Q2LK9D$ ok');
    expect(lines[2]).toMatch(
      /^GMSA-READY-IDENTITY BUILD01\$ .*"distinguishedName":"CN=BUILD01,CN=Computers,DC=corp,DC=example,DC=com"/,
    );
  });

  it('acts on the objectSID: a name now held by another object is left alone and reported gone', async () => {
    const old = sidOf('BUILD01$');
    // BUILD01 is deleted and a new object takes its name (a reused IP-derived name).
    account.directory.removeComputer('BUILD01$');
    const fresh = account.directory.addComputer('BUILD01$', { whenCreated: scheduler.now() });
    account.directory.addMember('OrdersApiHosts', fresh.objectSid);
    const output = await groupChange(
      { Action: ['remove'], ComputerNames: ['BUILD01$'], ObjectSids: [old], DeleteComputerAccount: ['true'] },
      30,
    );
    expect(output).toBe(
      `GMSA-READY-RESULT BUILD01$ gone object ${old} no longer exists; the name now belongs to ${fresh.objectSid}, left alone\n`,
    );
    expect(account.directory.computer('BUILD01$')).toBe(fresh);
    expect(account.directory.members('OrdersApiHosts')).toEqual(['BUILD01$']);
  });

  it('removes and deletes by objectSID, and refuses an add or delete without one', async () => {
    const sid = sidOf('BUILD01$');
    const refused = await groupChange({ Action: ['add'], ComputerNames: ['BUILD01$'], ObjectSids: ['-'] }, 30);
    expect(refused).toBe(
      'GMSA-READY-RESULT BUILD01$ error no recorded objectSID: add acts only on a verified object\n',
    );
    const output = await groupChange(
      { Action: ['remove'], ComputerNames: ['BUILD01$'], ObjectSids: [sid], DeleteComputerAccount: ['true'] },
      60,
    );
    expect(output).toBe('GMSA-READY-RESULT BUILD01$ ok\n');
    expect(account.directory.bySid(sid)).toBeUndefined();
    expect(account.directory.members('OrdersApiHosts')).toEqual([]);
  });

  it('lets a host report another computer name to SSM than the account its join creates (reportsComputerName)', async () => {
    restore();
    start(
      world({
        instances: [
          {
            instanceId: WIN_HOST,
            autoScalingGroupName: WIN,
            hostname: 'EC2AMAZ-7Q2LK9D',
            reportsComputerName: 'BUILD01',
          },
        ],
      }),
    );
    account.launch(WIN_HOST);
    await runUntil(60);
    await join(WIN_HOST);
    await runUntil(400);
    const info = await ssm.send(
      new DescribeInstanceInformationCommand({ Filters: [{ Key: 'InstanceIds', Values: [WIN_HOST] }] }),
    );
    expect(info.InstanceInformationList?.[0]?.ComputerName).toBe('BUILD01.corp.example.com');
    expect(account.directory.computer('EC2AMAZ-7Q2LK9D$')?.dNSHostName).toBe('ec2amaz-7q2lk9d.corp.example.com');
  });

  it("enforces the documents' allowedPattern: a hostile name is InvalidParameters and nothing runs", async () => {
    const error = await ssm
      .send(
        new SendCommandCommand({
          DocumentName: names.documents.groupChange,
          InstanceIds: [MGMT],
          Parameters: {
            Action: ['add'],
            GroupName: ['OrdersApiHosts'],
            ComputerNames: ["X$'; Remove-ADGroup -Identity Domain Admins; '"],
            DeleteComputerAccount: ['false'],
            DomainName: ['corp.example.com'],
          },
        }),
      )
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'InvalidParameters', $fault: 'client' });
    expect(account.commands.size).toBe(0);
  });
});

describe('lifecycle hooks', () => {
  const complete = (token: string, result = 'CONTINUE') =>
    autoScaling.send(
      new CompleteLifecycleActionCommand({
        AutoScalingGroupName: WIN,
        LifecycleHookName: 'gmsa-ready-launch',
        LifecycleActionToken: token,
        LifecycleActionResult: result,
        InstanceId: WIN_HOST,
      }),
    );

  it('completes an active action once; a second completion is ValidationError: No active Lifecycle Action', async () => {
    account.launch(WIN_HOST);
    await runUntil(1);
    const token = delivered.lifecycle[0]?.detail.LifecycleActionToken ?? '';
    await complete(token);
    const error = await complete(token).catch((e: unknown) => e);
    expect(error).toMatchObject({
      name: 'ValidationError',
      message: `No active Lifecycle Action found with token ${token}`,
      $metadata: { httpStatusCode: 400 },
    });
    const action = account.instances.get(WIN_HOST)?.actions[0];
    expect(action).toMatchObject({ result: 'CONTINUE', completedBy: 'CompleteLifecycleAction' });
    expect(action?.rejected).toEqual([`No active Lifecycle Action found with token ${token}`]);
  });

  it('times out with ABANDON after the heartbeat timeout, and a heartbeat pushes the timeout back', async () => {
    account.launch(WIN_HOST);
    await runUntil(1800);
    const token = delivered.lifecycle[0]?.detail.LifecycleActionToken ?? '';
    await autoScaling.send(
      new RecordLifecycleActionHeartbeatCommand({
        AutoScalingGroupName: WIN,
        LifecycleHookName: 'gmsa-ready-launch',
        LifecycleActionToken: token,
        InstanceId: WIN_HOST,
      }),
    );
    await runUntil(3601);
    expect(account.instances.get(WIN_HOST)?.actions[0]?.result).toBeUndefined();
    await runUntil(1800 + 3600);
    expect(account.instances.get(WIN_HOST)?.actions[0]).toMatchObject({
      result: 'ABANDON',
      completedBy: 'HeartbeatTimeout',
    });
    await runUntil(1800 + 3600 + 10);
    const described = await ec2.send(
      new DescribeInstancesCommand({ Filters: [{ Name: 'instance-id', Values: [WIN_HOST, 'i-0fffffffffffffff0'] }] }),
    );
    expect(described.Reservations?.[0]?.Instances?.map((i) => [i.InstanceId, i.State?.Name])).toEqual([
      [WIN_HOST, 'terminated'],
    ]);
  });
});

describe('ECS', () => {
  it('registers the container instance 90 s after the agent, advertising gMSA only once the agent saw the join', async () => {
    account.launch(LINUX_HOST);
    await runUntil(150);
    const listed = await ecs.send(
      new ListContainerInstancesCommand({ cluster: 'payments', filter: `ec2InstanceId == '${LINUX_HOST}'` }),
    );
    expect(listed.containerInstanceArns).toHaveLength(1);
    const arn = listed.containerInstanceArns?.[0] ?? '';
    const attributes = async () =>
      (
        await ecs.send(new DescribeContainerInstancesCommand({ cluster: 'payments', containerInstances: [arn] }))
      ).containerInstances?.[0]?.attributes?.map((a) => a.name);
    expect(await attributes()).not.toContain('ecs.capability.gmsa');
    await ssm.send(
      new SendCommandCommand({
        DocumentName: 'AWS-JoinDirectoryServiceDomain',
        InstanceIds: [LINUX_HOST],
        Parameters: { directoryId: ['d-1234567890'], directoryName: ['corp.example.com'] },
      }),
    );
    await runUntil(300);
    expect(await attributes()).not.toContain('ecs.capability.gmsa'); // joined, but the agent started before
    await ssm.send(new SendCommandCommand({ DocumentName: names.documents.refreshLinux, InstanceIds: [LINUX_HOST] }));
    await runUntil(400);
    expect(await attributes()).toContain('ecs.capability.gmsa');
  });

  it('answers PutAttributes on an unknown container instance with TargetNotFoundException', async () => {
    const error = await ecs
      .send(
        new PutAttributesCommand({
          cluster: 'orders',
          attributes: [
            {
              name: 'gmsa-ready',
              value: 'true',
              targetId: 'arn:aws:ecs:us-east-1:123456789012:container-instance/orders/nope',
            },
          ],
        }),
      )
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'TargetNotFoundException', $fault: 'client' });
  });

  it('lists the container instances of several EC2 instances with an `in` filter, and refuses a filter it does not model', async () => {
    account.launch(LINUX_HOST);
    await runUntil(150);
    const list = (filter: string) => ecs.send(new ListContainerInstancesCommand({ cluster: 'payments', filter }));
    const [alone] = (await list(`ec2InstanceId == '${LINUX_HOST}'`)).containerInstanceArns ?? [];
    expect(alone).toMatch(/container-instance/);
    expect((await list(`ec2InstanceId in ['${WIN_HOST}', '${LINUX_HOST}']`)).containerInstanceArns).toEqual([alone]);
    expect(await list(`attribute:gmsa-ready == true`).catch((e: unknown) => e)).toMatchObject({
      name: 'InvalidParameterException',
    });
  });

  it('takes at most 10 attributes or container instances per ECS write (aws-facts 6.2, 6.4)', async () => {
    const arns = Array.from(
      { length: 11 },
      (_, n) => `arn:aws:ecs:us-east-1:123456789012:container-instance/orders/${n}`,
    );
    const attributes = arns.map((targetId) => ({ name: 'gmsa-ready', targetId }));
    for (const call of [
      new PutAttributesCommand({ cluster: 'orders', attributes }),
      new DeleteAttributesCommand({ cluster: 'orders', attributes }),
      new UpdateContainerInstancesStateCommand({ cluster: 'orders', containerInstances: arns, status: 'DRAINING' }),
    ])
      expect(await ecs.send(call as PutAttributesCommand).catch((e: unknown) => e)).toMatchObject({
        name: 'InvalidParameterException',
        $fault: 'client',
      });
  });
});

describe('calls for many hosts at once', () => {
  it('runs one SendCommand to several instances as one invocation, status event and answer per instance', async () => {
    account.launch(WIN_HOST);
    account.launch(LINUX_HOST);
    await runUntil(60);
    const calls = account.calls['ssm:SendCommand'] ?? 0;
    const out = await ssm.send(
      new SendCommandCommand({
        DocumentName: 'AWS-JoinDirectoryServiceDomain',
        InstanceIds: [WIN_HOST, LINUX_HOST],
        Parameters: { directoryId: ['d-1234567890'], directoryName: ['corp.example.com'] },
        TimeoutSeconds: 600,
      }),
    );
    expect(account.calls['ssm:SendCommand']).toBe(calls + 1);
    const commandId = out.Command?.CommandId ?? '';
    expect(out.Command).toMatchObject({ InstanceIds: [WIN_HOST, LINUX_HOST], TargetCount: 2 });
    await runUntil(60 + 600);
    for (const instanceId of [WIN_HOST, LINUX_HOST])
      expect(
        await ssm.send(new GetCommandInvocationCommand({ CommandId: commandId, InstanceId: instanceId })),
      ).toMatchObject({ CommandId: commandId, InstanceId: instanceId, Status: 'Success' });
    await expect(
      ssm.send(new GetCommandInvocationCommand({ CommandId: commandId, InstanceId: 'i-0ffffffffffffffff' })),
    ).rejects.toMatchObject({ name: 'InvocationDoesNotExist' });
    expect(
      delivered.commandStatus.map((e) => [e.detail['command-id'], e.detail['instance-id'], e.detail.status]).sort(),
    ).toEqual([
      [commandId, WIN_HOST, 'Success'],
      [commandId, LINUX_HOST, 'Success'],
    ]);
    expect(account.directory.hasComputer('EC2AMAZ-7Q2LK9D$')).toBe(true);
  });

  it('refuses a SendCommand with a repeated instance id or more than 50, and the whole call for one bad id', async () => {
    account.launch(WIN_HOST);
    await runUntil(60);
    const send = (InstanceIds: string[]) =>
      ssm
        .send(new SendCommandCommand({ DocumentName: 'AWS-JoinDirectoryServiceDomain', InstanceIds }))
        .catch((e: unknown) => e);
    expect(await send([WIN_HOST, WIN_HOST])).toMatchObject({ name: 'DuplicateInstanceId' });
    const many = Array.from({ length: 51 }, (_, n) => `i-${n.toString(16).padStart(17, '0')}`);
    expect(await send(many)).toMatchObject({ name: 'ValidationException' });
    // LINUX_HOST never launched: its agent is not online, and WIN_HOST gets nothing either.
    expect(await send([WIN_HOST, LINUX_HOST])).toMatchObject({ name: 'InvalidInstanceId' });
    expect(account.commands.size).toBe(0);
  });

  it('describes the agents of many instances in one call, a page of MaxResults at a time', async () => {
    account.launch(WIN_HOST);
    account.launch(LINUX_HOST);
    await runUntil(60);
    const filter = [{ Key: 'InstanceIds', Values: [WIN_HOST, 'i-0ffffffffffffffff', LINUX_HOST] }];
    const both = await ssm.send(new DescribeInstanceInformationCommand({ Filters: filter, MaxResults: 50 }));
    expect(both.InstanceInformationList?.map((i) => i.InstanceId)).toEqual([WIN_HOST, LINUX_HOST]);
    expect(both.NextToken).toBeUndefined();
    const first = await ssm.send(new DescribeInstanceInformationCommand({ Filters: filter, MaxResults: 5 }));
    expect(first.InstanceInformationList).toHaveLength(2);
    await expect(
      ssm.send(new DescribeInstanceInformationCommand({ Filters: filter, MaxResults: 51 })),
    ).rejects.toMatchObject({ name: 'ValidationException' });
  });

  it('tags up to 20 instances in one call, reporting one it does not know, and refuses 21', async () => {
    const arn = (id: string) => `arn:aws:ec2:us-east-1:123456789012:instance/${id}`;
    const tags = { 'gmsa-ready:status': 'READY' };
    const out = await tagging.send(
      new TagResourcesCommand({ ResourceARNList: [arn(WIN_HOST), arn('i-0ffffffffffffffff')], Tags: tags }),
    );
    expect(Object.keys(out.FailedResourcesMap ?? {})).toEqual([arn('i-0ffffffffffffffff')]);
    expect(account.instances.get(WIN_HOST)?.tags['gmsa-ready:status']).toBe('READY');
    const many = Array.from({ length: 21 }, () => arn(WIN_HOST));
    await expect(tagging.send(new TagResourcesCommand({ ResourceARNList: many, Tags: tags }))).rejects.toMatchObject({
      name: 'InvalidParameterException',
    });
  });

  it('gathers wake messages visible within a second into one batch, and delivers 50 at once', async () => {
    const entries = (from: number, delay: number) =>
      Array.from({ length: 10 }, (_, i) => ({
        Id: String(i),
        MessageBody: `{"n":${from + i}}`,
        DelaySeconds: delay,
      }));
    await sqs.send(new SendMessageBatchCommand({ QueueUrl: names.queueUrls.wake, Entries: entries(0, 10) }));
    await runUntil(10.5);
    await sqs.send(new SendMessageCommand({ QueueUrl: names.queueUrls.wake, MessageBody: '{"n":10}' }));
    await runUntil(11);
    expect(delivered.wake.map((e) => e.Records.length)).toEqual([11]);
    for (let i = 0; i < 5; i++)
      await sqs.send(
        new SendMessageBatchCommand({ QueueUrl: names.queueUrls.wake, Entries: entries(100 + 10 * i, 0) }),
      );
    await runUntil(11);
    expect(delivered.wake.map((e) => e.Records.length)).toEqual([11, 50]);
    await expect(
      sqs.send(
        new SendMessageBatchCommand({
          QueueUrl: names.queueUrls.wake,
          Entries: [...entries(0, 0), { Id: '10', MessageBody: '{}' }],
        }),
      ),
    ).rejects.toMatchObject({ name: 'TooManyEntriesInBatchRequest' });
  });
});

describe('credential specs and queues', () => {
  it('serves object credspecs as JSON and absent ARNs as ParameterNotFound', async () => {
    const arn = 'arn:aws:ssm:us-east-1:123456789012:parameter/gmsa/orders-api';
    const found = await ssm.send(new GetParameterCommand({ Name: arn, WithDecryption: true }));
    expect(JSON.parse(found.Parameter?.Value ?? '')).toMatchObject({ CmsPlugins: ['ActiveDirectory'] });
    await expect(ssm.send(new GetParameterCommand({ Name: `${arn}-missing` }))).rejects.toMatchObject({
      name: 'ParameterNotFound',
    });
  });

  it('hands directory-queue messages sent together over as one batch after its 1 s window, and wake messages after their delay', async () => {
    // serverless.yml deploys Lambda's minimum window for a batch over 10 (group commit batches, lib/directory/lane.ts).
    expect(timings.directoryBatchWindow).toBe(1);
    for (let i = 0; i < 3; i++)
      await sqs.send(new SendMessageCommand({ QueueUrl: names.queueUrls.directory, MessageBody: `{"n":${i}}` }));
    await sqs.send(
      new SendMessageCommand({ QueueUrl: names.queueUrls.wake, MessageBody: '{"instanceId":"i-1"}', DelaySeconds: 30 }),
    );
    expect(delivered.directory).toHaveLength(0);
    await runUntil(0.5);
    expect(delivered.directory).toHaveLength(0);
    await runUntil(1);
    expect(delivered.directory.map((e) => e.Records.map((r) => r.body))).toEqual([['{"n":0}', '{"n":1}', '{"n":2}']]);
    expect(delivered.wake).toHaveLength(0);
    await runUntil(30);
    expect(delivered.wake).toHaveLength(0); // visible, and the wake mapping's 1 s window is open
    await runUntil(31);
    expect(delivered.wake[0]?.Records[0]?.body).toBe('{"instanceId":"i-1"}');
    await expect(
      sqs.send(new SendMessageCommand({ QueueUrl: 'https://sqs.us-east-1.amazonaws.com/1/nope', MessageBody: '{}' })),
    ).rejects.toMatchObject({
      name: 'QueueDoesNotExist',
    });
  });
});
