import { describe, expect, it } from 'vitest';
import { fleetByName } from '../../lib/config/load';
import type { Fleet } from '../../lib/config/schema';
import { deliver } from '../../lib/engine/engine';
import { VersionConflictError } from '../../lib/engine/ports';
import type { HostRecord, Signal } from '../../lib/workflow/types';
import { bareRecord } from '../store/records';
import { identityOf, resolveOutput } from '../support/identities';
import { MemoryStore } from '../support/memory-store';
import { DOCUMENTS, exampleConfig, type Harness, harness, silent, T0 } from './fakes';

const ID = 'i-0a1b2c3d4e5f60718';
const MGMT = 'i-0123456789abcdef0';
const TOKEN = 'c3f1a8d2-6e4b-4b1f-9d27-5a80e6c41f93';
const NAME = 'EC2AMAZ-K4T2Q9A';
const JOIN_CMD = 'e8d3c0e4-71f7-4491-898f-c9b35bee5f3b';
const AUTH_CMD = '1b7f4d2e-8c3a-4e96-b0d5-a2f9e6c14b78';
const REFRESH_CMD = '5a0c9e1f-3b7d-4c28-9e64-d1f8a2b7c309';
const RESOLVE_CMD = '9c2e5b7a-1d4f-4a83-8b6e-0f3d7c2a9e51';
const IDENTITY = identityOf(NAME, 1105, { whenCreated: T0 + 300 });
const CI_ARN = 'arn:aws:ecs:us-east-1:123456789012:container-instance/orders/8d2f0c1b';

const orders = fleetByName(exampleConfig, 'orders') as Fleet;
const paymentsLinux = fleetByName(exampleConfig, 'payments-linux') as Fleet;

function launch(at: number, token = TOKEN): Signal {
  return {
    type: 'lifecycle',
    at,
    transition: 'launch',
    token,
    hookName: 'gmsa-ready-launch',
    autoScalingGroupName: 'prod-ecs-win-orders',
    origin: 'EC2',
    destination: 'AutoScalingGroup',
    replay: false,
  };
}

/** Answers every effect of a healthy Windows launch; the SSM agent reports the domain name once the join ran. */
function scriptHealthyLaunch(h: Harness): void {
  let joined = false;
  h.effector.script = {
    describeAgent: () => ({
      type: 'agent',
      online: true,
      platformType: 'Windows',
      computerName: joined ? `${NAME}.corp.example.com` : NAME,
    }),
    sendCommand: (e) => ({
      type: 'commandSent',
      purpose: e.purpose,
      commandId: e.purpose === 'join' ? JOIN_CMD : REFRESH_CMD,
    }),
    getCommandInvocation: (e) => {
      joined = true;
      return { type: 'commandStatus', commandId: e.commandId, status: 'Success', output: '' };
    },
    enqueueGroupChange: (e) => ({ type: 'done', effect: e.type }),
    inspect: () => ({
      type: 'inspected',
      containerInstance: {
        arn: CI_ARN,
        status: 'ACTIVE',
        agentConnected: true,
        attributes: ['ecs.capability.gmsa'],
        runningTasks: 0,
      },
      credentialSpecs: [{ source: orders.credentialSpecs[0] as string, valid: true, findings: [] }],
    }),
    putReadyAttribute: (e) => ({ type: 'done', effect: e.type }),
    completeLifecycleAction: (e) => ({ type: 'done', effect: e.type }),
  };
}

/** The polling chain the stored record's wakes carry (Decision.pollIn). */
async function chainOf(h: Harness): Promise<number | undefined> {
  return (await h.store.get(ID))?.pollChain;
}

/** The launch's first agent poll: its wake lands on the 5 s grid, T0 + 3 being the first point 2.5 s away. */
const FIRST_POLL = T0 + 3;

/** The lifecycle event, then the wake of the first agent poll. */
async function launchAndPoll(h: Harness): Promise<void> {
  await deliver(h.deps, ID, launch(T0), orders);
  h.clock.now = FIRST_POLL;
  await deliver(h.deps, ID, { type: 'tick', at: FIRST_POLL, wake: true, chain: await chainOf(h) });
}

/** Drives a launch to READY the way the handlers would: lifecycle event, a poll, the directory's commandSent, status events. */
async function launchToReady(h: Harness): Promise<HostRecord | undefined> {
  scriptHealthyLaunch(h);
  await launchAndPoll(h);
  h.clock.now = T0 + 400; // past COMMAND_CHECK_AFTER: the tick polls GetCommandInvocation for the join
  await deliver(h.deps, ID, { type: 'tick', at: h.clock.now });
  h.clock.now = T0 + 405;
  await deliver(h.deps, ID, { type: 'commandSent', at: h.clock.now, purpose: 'resolve', commandId: RESOLVE_CMD });
  h.clock.now = T0 + 410;
  // The resolve's identity is checked, then claimed in the store by the engine itself (no effector call).
  await deliver(h.deps, ID, {
    type: 'commandStatus',
    at: h.clock.now,
    commandId: RESOLVE_CMD,
    purpose: 'resolve',
    status: 'Success',
    output: resolveOutput(IDENTITY),
  });
  h.clock.now = T0 + 420;
  await deliver(h.deps, ID, { type: 'commandSent', at: h.clock.now, purpose: 'authorize', commandId: AUTH_CMD });
  h.clock.now = T0 + 480;
  await deliver(h.deps, ID, {
    type: 'commandStatus',
    at: h.clock.now,
    commandId: AUTH_CMD,
    purpose: 'authorize',
    status: 'Success',
    output: `GMSA-READY-RESULT ${NAME}$ ok`,
  });
  h.clock.now = T0 + 600;
  return deliver(h.deps, ID, {
    type: 'commandStatus',
    at: h.clock.now,
    commandId: REFRESH_CMD,
    purpose: 'refresh',
    status: 'Success',
  });
}

describe('deliver: a domain-joined Windows launch', () => {
  it("sends no poll's wake that the same write made stale: the agent and the name were there at the first look", async () => {
    const h = harness();
    await launchToReady(h);
    // Only the lifecycle event's wake for the first agent poll goes out: the poll found the agent online and
    // moved on to the join, and identify's first look found the name, so neither needed another look.
    expect(h.effector.of('wake')).toEqual([{ type: 'wake', instanceId: ID, delaySeconds: 3, chain: 1 }]);
  });

  it('goes from the lifecycle event to READY and completes the action CONTINUE', async () => {
    const h = harness();
    const record = await launchToReady(h);

    expect(record).toMatchObject({
      status: 'READY',
      step: 'done',
      joined: true,
      inGroup: true,
      ready: true,
      computerName: NAME,
      containerInstanceArn: CI_ARN,
      readyAt: T0 + 600,
      lifecycle: { token: TOKEN, result: 'CONTINUE', completedAt: T0 + 600 },
    });
    expect(await h.store.get(ID)).toEqual(record);
    expect(h.effector.types().filter((t) => t !== 'tag' && t !== 'wake')).toEqual([
      'describeAgent',
      'sendCommand',
      'getCommandInvocation',
      'describeAgent',
      'enqueueGroupChange',
      'enqueueGroupChange',
      'sendCommand',
      'inspect',
      'putReadyAttribute',
      'completeLifecycleAction',
    ]);
    expect(record?.identity).toEqual(IDENTITY);
    expect(h.store.identities.get(IDENTITY.objectSid)).toBe(ID);
    expect(h.effector.of('enqueueGroupChange')).toEqual([
      {
        type: 'enqueueGroupChange',
        change: {
          instanceId: ID,
          fleet: 'orders',
          managementInstanceId: MGMT,
          domainName: 'corp.example.com',
          hostGroup: 'OrdersApiHosts',
          computerAccount: `${NAME}$`,
          objectSid: undefined,
          action: 'resolve',
          deleteComputerAccount: false,
          purpose: 'resolve',
        },
      },
      {
        type: 'enqueueGroupChange',
        change: {
          instanceId: ID,
          fleet: 'orders',
          managementInstanceId: MGMT,
          domainName: 'corp.example.com',
          hostGroup: 'OrdersApiHosts',
          computerAccount: `${NAME}$`,
          objectSid: IDENTITY.objectSid,
          action: 'add',
          deleteComputerAccount: false,
          purpose: 'authorize',
        },
      },
    ]);
    expect(h.effector.of('getCommandInvocation')).toEqual([
      { type: 'getCommandInvocation', commandId: JOIN_CMD, instanceId: ID },
    ]);
    expect(h.effector.of('completeLifecycleAction')).toEqual([
      {
        type: 'completeLifecycleAction',
        autoScalingGroupName: 'prod-ecs-win-orders',
        hookName: 'gmsa-ready-launch',
        token: TOKEN,
        instanceId: ID,
        result: 'CONTINUE',
      },
    ]);
    expect(h.effector.of('tag').map((t) => t.status)).toEqual(['LAUNCHING', 'READY']);
  });

  it('writes the record before every effect that claims work; reads run first and share its write', async () => {
    const h = harness();
    h.effector.watch = ID;
    await launchToReady(h);

    const stepWhen = (type: string) =>
      h.effector.calls.filter((c) => c.effect.type === type).map((c) => [c.stored?.step, c.stored?.status]);
    // Reads change nothing in AWS: they run before the decision that asked for them is written, and the
    // decision on their answer is folded into the same write (the agent poll's look, on the first grid tick,
    // still finds the record in the agent step: the answer that moves it to join is written with the poll).
    expect(stepWhen('describeAgent')).toEqual([
      ['agent', 'LAUNCHING'],
      ['join', 'LAUNCHING'],
    ]);
    expect(stepWhen('inspect')).toEqual([['refresh', 'LAUNCHING']]);
    expect(stepWhen('sendCommand')).toEqual([
      ['join', 'LAUNCHING'],
      ['refresh', 'LAUNCHING'],
    ]);
    expect(stepWhen('enqueueGroupChange')).toEqual([
      ['resolve', 'LAUNCHING'],
      ['authorize', 'LAUNCHING'],
    ]);
    expect(stepWhen('putReadyAttribute')).toEqual([['ready', 'LAUNCHING']]);
    expect(stepWhen('completeLifecycleAction')).toEqual([['complete', 'LAUNCHING']]);
    // The claim on the group is stored before the change is queued: a later undo knows to remove it.
    const queued = h.effector.calls.filter((c) => c.effect.type === 'enqueueGroupChange');
    expect(queued[0]?.stored).toMatchObject({ inGroup: false, pending: { purpose: 'resolve' } });
    expect(queued[1]?.stored).toMatchObject({
      inGroup: true,
      identity: IDENTITY,
      pending: { purpose: 'authorize', targetInstanceId: MGMT },
    });
    // The join's pending command is on record (without a command id yet) when SendCommand goes out.
    const join = h.effector.calls.find((c) => c.effect.type === 'sendCommand');
    expect(join?.stored?.pending).toEqual({
      purpose: 'join',
      targetInstanceId: ID,
      requestedAt: FIRST_POLL,
      attempt: 1,
    });
  });

  it('indexes each command it sends, with the document the platform uses', async () => {
    const h = harness();
    await launchToReady(h);
    expect(h.store.commands.get(JOIN_CMD)).toEqual({
      commandId: JOIN_CMD,
      purpose: 'join',
      documentName: DOCUMENTS.join,
      targetInstanceId: ID,
      instanceIds: [ID],
      sentAt: FIRST_POLL,
    });
    expect(h.store.commands.get(REFRESH_CMD)).toEqual({
      commandId: REFRESH_CMD,
      purpose: 'refresh',
      documentName: DOCUMENTS.refreshWindows,
      targetInstanceId: ID,
      instanceIds: [ID],
      sentAt: T0 + 480,
    });
    // The group change is sent (and indexed) by the directory function, not by the engine.
    expect(h.store.commands.has(AUTH_CMD)).toBe(false);
  });

  it('sends metrics and logs to telemetry, never to the effector', async () => {
    const h = harness();
    await launchToReady(h);
    expect(h.effector.calls.filter((c) => c.effect.type === 'metric' || c.effect.type === 'log')).toEqual([]);
    const fleet = { Fleet: 'orders' };
    expect(h.telemetry.metrics).toEqual(
      expect.arrayContaining([
        { name: 'LaunchStarted', unit: 'Count', value: 1, dimensions: fleet },
        { name: 'LaunchReady', unit: 'Count', value: 1, dimensions: fleet },
        { name: 'TimeToReady', unit: 'Seconds', value: 600, dimensions: fleet },
        { name: 'StepDuration', unit: 'Seconds', value: 400 - 3, dimensions: { ...fleet, Step: 'join' } },
      ]),
    );
    expect(h.telemetry.logs).toContainEqual({
      level: 'info',
      message: 'host ready in fleet orders',
      fields: expect.objectContaining({ instanceId: ID, computerName: NAME }),
    });
  });
});

describe('deliver: the Linux refresh', () => {
  it('indexes the refresh command under the Linux document', async () => {
    const h = harness();
    const id = 'i-04f3e2d1c0b9a8765';
    await h.store.put(
      bareRecord({
        instanceId: id,
        fleet: 'payments-linux',
        platform: 'linux',
        autoScalingGroupName: 'prod-ecs-linux-payments',
        step: 'authorize',
        stepStartedAt: T0,
        computerName: 'EC2AMAZ-LNX0001',
        joined: true,
        inGroup: true,
        pending: { purpose: 'authorize', commandId: AUTH_CMD, targetInstanceId: MGMT, requestedAt: T0, attempt: 1 },
      }),
      undefined,
    );
    h.effector.script = {
      sendCommand: (e) => ({ type: 'commandSent', purpose: e.purpose, commandId: REFRESH_CMD }),
    };
    h.clock.now = T0 + 60;
    await deliver(h.deps, id, {
      type: 'commandStatus',
      at: T0 + 60,
      commandId: AUTH_CMD,
      purpose: 'authorize',
      status: 'Success',
      output: 'GMSA-READY-RESULT EC2AMAZ-LNX0001$ ok',
    });

    expect(h.effector.of('sendCommand')).toEqual([
      {
        type: 'sendCommand',
        purpose: 'refresh',
        platform: 'linux',
        instanceId: id,
        parameters: { DomainName: [paymentsLinux.directory.name] },
        timeoutSeconds: 600,
      },
    ]);
    expect(h.store.commands.get(REFRESH_CMD)).toEqual({
      commandId: REFRESH_CMD,
      purpose: 'refresh',
      documentName: DOCUMENTS.refreshLinux,
      targetInstanceId: id,
      instanceIds: [id],
      sentAt: T0 + 60,
    });
    expect((await h.store.get(id))?.pending).toMatchObject({ purpose: 'refresh', commandId: REFRESH_CMD });
  });

  it('indexes nothing when SendCommand failed', async () => {
    const h = harness();
    h.effector.script = {
      describeAgent: () => ({ type: 'agent', online: true, platformType: 'Windows', computerName: NAME }),
      sendCommand: (e) => ({ type: 'failed', effect: e.type, kind: 'retryable', message: 'ThrottlingException: slow' }),
    };
    await launchAndPoll(h);
    expect(h.effector.of('sendCommand')).toHaveLength(1);
    expect(h.store.commands.size).toBe(0);
    expect(h.telemetry.logs).toContainEqual({
      level: 'warn',
      message: 'sendCommand failed (retryable)',
      fields: { instanceId: ID, error: 'ThrottlingException: slow' },
    });
  });
});

/** A store whose next put loses a race: `competitor` runs first (it may write the record), then the put is checked. */
class RacingStore extends MemoryStore {
  competitor?: () => Promise<void>;
  conflicts = 0;

  override async put(record: HostRecord, expectedVersion: number | undefined): Promise<void> {
    const competitor = this.competitor;
    this.competitor = undefined;
    if (competitor) await competitor();
    try {
      return await super.put(record, expectedVersion);
    } catch (error) {
      if (error instanceof VersionConflictError) this.conflicts += 1;
      throw error;
    }
  }
}

describe('deliver: optimistic locking', () => {
  it('re-reads and re-decides after a lost race: the reads may run again, the claims run once', async () => {
    const store = new RacingStore();
    const h = harness(store);
    h.effector.script = { describeAgent: silent }; // the launch's first step; the agent does not answer yet
    await deliver(h.deps, ID, launch(T0), orders); // LAUNCHING, agent
    const before = (await store.get(ID)) as HostRecord;
    const calls = h.effector.calls.length;
    // Someone else writes the record in between (here: an unrelated history note), so our put conflicts.
    store.competitor = async () => {
      const other = { ...before, version: before.version + 1, history: [...before.history] };
      other.history.push({ at: T0 + 1, step: 'agent', detail: 'written by another invocation' });
      await MemoryStore.prototype.put.call(store, other, before.version);
    };
    h.effector.script = {
      describeAgent: () => ({ type: 'agent', online: true, platformType: 'Windows', computerName: NAME }),
      sendCommand: silent, // the join this test counts; its answer is not needed
    };
    h.clock.now = T0 + 20;
    await deliver(h.deps, ID, { type: 'tick', at: T0 + 20 });

    expect(store.conflicts).toBe(1);
    const after = (await store.get(ID)) as HostRecord;
    // The competitor's write, then ours: one for the tick and the agent's answer together.
    expect(after.version).toBe(before.version + 2);
    expect(after.history.map((e) => e.detail)).toContain('written by another invocation');
    // The tick's describeAgent ran before the lost write and again after it (a read is safe to repeat); its
    // answer moved the host to join: one SendCommand, not two.
    const mine = h.effector.calls.slice(calls).map((c) => c.effect.type);
    expect(mine.filter((t) => t === 'describeAgent')).toHaveLength(2);
    expect(mine.filter((t) => t === 'sendCommand')).toHaveLength(1);
    expect(after.step).toBe('join');
  });

  it('does nothing when a concurrent invocation already handled the same event', async () => {
    const store = new RacingStore();
    const h = harness(store);
    h.effector.script = { describeAgent: silent }; // the launch's first step; the agent does not answer yet
    const event = launch(T0);
    store.competitor = async () => {
      await deliver(h.deps, ID, event, orders);
    };
    await deliver(h.deps, ID, event, orders);

    expect(store.conflicts).toBe(1);
    expect(h.effector.of('wake')).toHaveLength(1); // the launch's first agent poll, asked for once
    expect(h.effector.of('tag')).toHaveLength(1);
    expect(h.telemetry.metrics.filter((m) => m.name === 'LaunchStarted')).toHaveLength(1);
    expect((await store.get(ID))?.version).toBe(1);
  });

  it('gives up with an error after losing every race, so the event is retried', async () => {
    const store = new MemoryStore();
    const h = harness(store);
    h.effector.script = { describeAgent: silent, wake: silent };
    await deliver(h.deps, ID, launch(T0), orders);
    const before = h.effector.calls.length;
    const metrics = h.telemetry.metrics.length;
    store.put = async () => {
      throw new VersionConflictError('always moved');
    };
    h.clock.now = T0 + 15;
    // A reconciler tick starts a new polling chain: a write each attempt.
    await expect(deliver(h.deps, ID, { type: 'tick', at: T0 + 15 })).rejects.toThrow(/kept changing/);
    // Each attempt asked the agent again; nothing that claims work ran, and no telemetry went out.
    expect(h.effector.types().slice(before)).toEqual(Array(5).fill('describeAgent'));
    expect(h.telemetry.metrics).toHaveLength(metrics);
  });
});

describe('deliver: one write per decision', () => {
  it('folds a read and the decision on its answer into one write', async () => {
    const h = harness();
    h.effector.script = {
      describeAgent: () => ({ type: 'agent', online: false }),
      wake: silent,
    };
    await deliver(h.deps, ID, launch(T0), orders);
    // The event creates the record; its first look at the agent waits for the poll grid.
    expect(h.store.writes).toBe(1);
    expect(h.effector.of('describeAgent')).toHaveLength(0);

    h.clock.now = T0 + 15;
    await deliver(h.deps, ID, { type: 'tick', at: T0 + 15, wake: true, chain: await chainOf(h) });
    // The poll looked, and the agent's answer gave the record a reason: one write, not two.
    expect(h.store.writes).toBe(2);
    expect(h.effector.of('describeAgent')).toHaveLength(1);
    expect(await h.store.get(ID)).toMatchObject({ version: 2, step: 'agent', reason: 'waiting: SSM agent not online' });

    h.clock.now = T0 + 30;
    await deliver(h.deps, ID, { type: 'tick', at: T0 + 30, wake: true, chain: await chainOf(h) });
    // The poll learnt nothing: its chain goes on without a write (the lease on nextCheckAt still covers it).
    expect(h.store.writes).toBe(2);
    expect(h.effector.of('describeAgent')).toHaveLength(2);
    expect(h.effector.of('wake')).toHaveLength(3);
  });

  it('writes first when a read must be handed on: the queue message is a claim', async () => {
    const h = harness();
    h.effector.script = { wake: silent };
    const handedOn: (HostRecord | undefined)[] = [];
    h.deps.handOn = {
      performs: (type) => type !== 'describeAgent',
      send: async () => {
        handedOn.push(await h.store.get(ID));
        return undefined;
      },
    };
    await deliver(h.deps, ID, launch(T0), orders);
    h.clock.now = T0 + 15;
    await deliver(h.deps, ID, { type: 'tick', at: T0 + 15, wake: true, chain: await chainOf(h) });
    expect(handedOn).toHaveLength(1);
    expect(handedOn[0]).toMatchObject({ version: 2, step: 'agent' });
  });
});

describe('deliver: duplicates and strays', () => {
  it('writes nothing and performs nothing for a duplicate lifecycle event', async () => {
    const h = harness();
    h.effector.script = { describeAgent: silent }; // the launch's first step; the agent does not answer yet
    await deliver(h.deps, ID, launch(T0), orders);
    const writes = h.store.writes;
    const calls = h.effector.calls.length;
    const metrics = h.telemetry.metrics.length;
    const stored = await h.store.get(ID);

    h.clock.now = T0 + 5;
    const again = await deliver(h.deps, ID, launch(T0 + 5), orders);

    expect(h.store.writes).toBe(writes);
    expect(h.effector.calls.length).toBe(calls);
    expect(h.telemetry.metrics.length).toBe(metrics);
    expect(again).toEqual(stored);
  });

  it('creates no record from a signal other than a lifecycle event', async () => {
    const h = harness();
    const result = await deliver(h.deps, ID, { type: 'tick', at: T0 }, orders);
    expect(result).toBeUndefined();
    expect(h.store.writes).toBe(0);
    expect(h.effector.calls).toEqual([]);
  });

  it('leaves alone a record whose fleet is no longer configured', async () => {
    const h = harness();
    await h.store.put(bareRecord({ instanceId: ID, fleet: 'retired', nextCheckAt: T0 - 1 }), undefined);
    const writes = h.store.writes;
    await deliver(h.deps, ID, { type: 'tick', at: T0 });
    expect(h.store.writes).toBe(writes);
    expect(h.effector.calls).toEqual([]);
    expect(h.telemetry.logs).toContainEqual({
      level: 'warn',
      message: 'record belongs to no configured fleet; left alone',
      fields: { instanceId: ID, fleet: 'retired' },
    });
  });
});
