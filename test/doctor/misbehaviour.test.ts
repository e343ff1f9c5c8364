// What each world misconfiguration does to the simulated account, seen at the model (no handlers): the
// sandbox misbehaves the way a real account set up that way would, so gmsa-ready's runs show it too.
import type { EventBridgeEvent } from 'aws-lambda';
import { beforeEach, describe, expect, it } from 'vitest';
import { deploymentNames } from '../../lib/sandbox/functions';
import { Account } from '../../lib/sandbox/model/account';
import { AD_MODULE_MISSING } from '../../lib/sandbox/model/documents';
import { Random } from '../../lib/sandbox/random';
import { Scheduler } from '../../lib/sandbox/scheduler';
import { MGMT, WIN } from '../sandbox/fixtures';
import { misconfiguredWorld, ORDERS_SPEC, PAYMENTS_SPEC } from './worlds';

const HOST = 'i-0aaaaaaaaaaaaaaa1';
let scheduler: Scheduler;
let account: Account;
let lifecycleEvents: EventBridgeEvent<string, unknown>[];

function start(misconfigurations: Record<string, unknown>[]): void {
  const world = misconfiguredWorld(misconfigurations, {
    instances: [{ instanceId: HOST, autoScalingGroupName: WIN }],
    scenario: [],
  });
  scheduler = new Scheduler(Date.parse(world.start) / 1000);
  lifecycleEvents = [];
  const names = deploymentNames(world);
  account = new Account({
    world,
    scheduler,
    random: new Random(3),
    documents: names.documents,
    queueUrls: names.queueUrls,
    targets: {
      lifecycle: async (event) => void lifecycleEvents.push(event),
      commandStatus: async () => undefined,
      wake: async () => [],
      directory: async () => [],
    },
  });
}

const runFor = (seconds: number) => scheduler.runUntil(scheduler.now() + seconds);
const host = () => account.instances.get(HOST);

/** Sends a document to the management host and runs the clock until its invocation ended. */
async function onManagementHost(document: string, parameters: Record<string, string[]>) {
  const { Command } = account.ssm.sendCommand({
    DocumentName: document,
    InstanceIds: [MGMT],
    Parameters: parameters,
    TimeoutSeconds: 600,
  });
  await runFor(700);
  return account.ssm.getCommandInvocation({ CommandId: Command.CommandId, InstanceId: MGMT });
}

describe('lifecycle hooks', () => {
  it('launch-hook-missing: no lifecycle action, no event; the host goes InService unjoined', async () => {
    start([{ kind: 'launch-hook-missing', fleet: 'orders' }]);
    account.launch(HOST);
    await runFor(120);
    expect(lifecycleEvents).toEqual([]);
    expect(host()).toMatchObject({ inService: true, joined: false, actions: [] });
  });

  it('terminate-hook-missing: a scale-in ends the host at once, with no event gmsa-ready could act on', async () => {
    start([{ kind: 'terminate-hook-missing', fleet: 'orders' }]);
    account.launch(HOST);
    await runFor(5);
    expect(lifecycleEvents).toHaveLength(1); // the launch hook is still there
    const action = host()?.actions[0];
    account.hooks.complete({
      AutoScalingGroupName: WIN,
      LifecycleHookName: 'gmsa-ready-launch',
      LifecycleActionToken: action?.token,
      LifecycleActionResult: 'CONTINUE',
    });
    account.terminate(HOST);
    await runFor(60);
    expect(lifecycleEvents).toHaveLength(1);
    expect(host()?.state).toBe('terminated');
    expect(account.killed.has(HOST)).toBe(true);
  });

  it("hook-timeout-mismatch: the hook was created with a quarter of the config's timeout and abandons before the first heartbeat is due", async () => {
    start([{ kind: 'hook-timeout-mismatch', fleet: 'orders' }]);
    account.launch(HOST);
    expect(host()?.actions[0]).toMatchObject({ heartbeatTimeout: 900 });
    await runFor(901);
    expect(host()?.actions[0]).toMatchObject({ result: 'ABANDON', completedBy: 'HeartbeatTimeout' });
  });

  it('keeps the configured timeout without the misconfiguration', async () => {
    start([]);
    account.launch(HOST);
    await runFor(901);
    expect(host()?.actions[0]?.heartbeatTimeout).toBe(3600);
    expect(host()?.actions[0]?.result).toBeUndefined();
  });
});

describe('the management host and the directory', () => {
  const names = () => deploymentNames(account.world).documents;
  const add = {
    Action: ['add'],
    GroupName: ['OrdersApiHosts'],
    ComputerNames: ['BUILD01$'],
    ObjectSids: ['S-1-5-21-1004336348-1177238915-682003330-1100'],
    DeleteComputerAccount: ['true'],
    DomainName: ['corp.example.com'],
  };

  beforeEach(() => start([]));

  it("host-group-missing: authorize fails with the AD module's error for the group", async () => {
    start([{ kind: 'host-group-missing', fleet: 'orders' }]);
    const invocation = await onManagementHost(names().groupChange, add);
    expect(invocation.Status).toBe('Failed');
    expect(invocation.StandardOutputContent).toContain(
      "GMSA-READY-RESULT BUILD01$ error Cannot find an object with identity: 'OrdersApiHosts'",
    );
  });

  it('management-host-offline: SSM lists it ConnectionLost and its commands never run (delivery timeout)', async () => {
    start([{ kind: 'management-host-offline' }]);
    const node = account.ssm.describeInstanceInformation({ Filters: [{ Key: 'InstanceIds', Values: [MGMT] }] });
    expect(node.InstanceInformationList[0]?.PingStatus).toBe('ConnectionLost');
    const invocation = await onManagementHost(names().groupChange, add);
    expect(invocation).toMatchObject({ Status: 'TimedOut', StatusDetails: 'Delivery Timed Out' });
    expect(account.journal.executions.at(-1)?.ran).toBe(false);
    expect(account.directory.isMember('OrdersApiHosts', 'BUILD01$')).toBe(true); // the world's member, untouched
  });

  it('ad-module-missing: the management documents stop at Import-Module with its error', async () => {
    start([{ kind: 'ad-module-missing' }]);
    const invocation = await onManagementHost(names().listMembers, {
      GroupName: ['OrdersApiHosts'],
      DomainName: ['corp.example.com'],
      StartAfter: ['-'],
    });
    expect(invocation).toMatchObject({ Status: 'Failed', StandardOutputContent: '' });
    expect(invocation.StandardErrorContent).toBe(`${AD_MODULE_MISSING}\n`);
  });

  it('host-group-not-allowed-to-retrieve-gmsa and kds-root-key-missing change what the directory holds', async () => {
    start([{ kind: 'host-group-not-allowed-to-retrieve-gmsa', fleet: 'orders' }, { kind: 'kds-root-key-missing' }]);
    expect(account.directory.gmsaAllows('OrdersApi', 'OrdersApiHosts')).toBe(false);
    expect(account.directory.gmsaAllows('PaymentsApi', 'PaymentsApiHosts')).toBe(true);
    expect(account.directory.kdsRootKey).toBe(false);
    const probe = await onManagementHost(names().doctorProbe, {
      GroupName: ['OrdersApiHosts'],
      DomainName: ['corp.example.com'],
      GmsaNames: ['OrdersApi,NoSuchGmsa'],
    });
    expect(probe.StandardOutputContent.split('\n')).toEqual([
      'GMSA-READY-PROBE ad-module ok',
      'GMSA-READY-PROBE host-group ok',
      'GMSA-READY-PROBE gmsa OrdersApi not-allowed',
      "GMSA-READY-PROBE gmsa NoSuchGmsa missing Cannot find an object with identity: 'NoSuchGmsa' under: 'DC=corp,DC=example,DC=com'.",
      'GMSA-READY-PROBE kds-root-key missing Get-KdsRootKey returned no key',
      '',
    ]);
  });

  it('credspec-unreadable: reading the spec is denied, by S3 or by SSM, and only that spec', async () => {
    start([{ kind: 'credspec-unreadable', arn: ORDERS_SPEC }]);
    expect(() => account.ssm.getParameter({ Name: ORDERS_SPEC })).toThrow(
      expect.objectContaining({ name: 'AccessDeniedException' }),
    );
    expect(account.storage.getObject({ Bucket: 'corp-gmsa-credspecs', Key: 'payments-api.json' })).toBeDefined();
    start([{ kind: 'credspec-unreadable', arn: PAYMENTS_SPEC }]);
    expect(() => account.storage.getObject({ Bucket: 'corp-gmsa-credspecs', Key: 'payments-api.json' })).toThrow(
      expect.objectContaining({ name: 'AccessDenied' }),
    );
  });
});
