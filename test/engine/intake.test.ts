import { beforeEach, describe, expect, it, vi } from 'vitest';
import { deliver } from '../../lib/engine/engine';
import { intakeCommandStatusEvent, intakeLifecycleEvent } from '../../lib/engine/intake';
import type { CommandRef } from '../../lib/engine/ports';
import { lifecycleEventSchema } from '../../lib/events/schemas';
import { POLL_SECONDS } from '../../lib/workflow/timing';
import type { HostRecord } from '../../lib/workflow/types';
import { change } from '../directory/changes';
import { bareRecord } from '../store/records';
import { eventFixture, type Harness, harness, silent, T0 } from './fakes';

// deliver stays real; the spy only lets the tests see which signal reached which host.
vi.mock('../../lib/engine/engine', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../lib/engine/engine')>();
  return { ...actual, deliver: vi.fn(actual.deliver) };
});
const delivered = vi.mocked(deliver);

let h: Harness;
beforeEach(() => {
  delivered.mockClear();
  h = harness();
  h.effector.script = { describeAgent: silent }; // an accepted launch starts at the agent step; no answer needed
});

function expectRejected(reason: string | RegExp, source: 'lifecycle' | 'command-status') {
  expect(h.telemetry.metrics).toEqual([
    { name: 'EventRejected', unit: 'Count', value: 1, dimensions: { Source: source } },
  ]);
  expect(h.telemetry.logs).toEqual([
    expect.objectContaining({ level: 'warn', message: expect.stringMatching(/^event rejected: /) }),
  ]);
  expect(h.telemetry.logs[0]?.message).toMatch(reason);
  expect(h.store.writes).toBe(0);
  expect(h.effector.calls).toEqual([]);
  expect(delivered).not.toHaveBeenCalled();
}

describe('intakeLifecycleEvent', () => {
  it('accepts a valid launch and starts the workflow for its fleet', async () => {
    const result = await intakeLifecycleEvent(h.deps, eventFixture('lifecycle-launch-windows'));
    expect(result).toEqual({ accepted: true, instanceId: 'i-0a1b2c3d4e5f60718', status: 'LAUNCHING', step: 'agent' });
    expect(await h.store.get('i-0a1b2c3d4e5f60718')).toMatchObject({
      fleet: 'orders',
      platform: 'windows',
      lifecycle: {
        transition: 'launch',
        token: 'c3f1a8d2-6e4b-4b1f-9d27-5a80e6c41f93',
        hookName: 'gmsa-ready-launch',
        autoScalingGroupName: 'prod-ecs-win-orders',
        origin: 'EC2',
        destination: 'AutoScalingGroup',
        startedAt: T0,
      },
    });
    // The agent step's first look waits for its wake on the poll grid (lib/workflow/launch.ts awaitAgent).
    expect(h.effector.of('wake')).toEqual([expect.objectContaining({ instanceId: 'i-0a1b2c3d4e5f60718' })]);
    expect(h.telemetry.metrics.map((m) => m.name)).not.toContain('EventRejected');
  });

  it('marks an archive replay as such', async () => {
    await intakeLifecycleEvent(h.deps, eventFixture('lifecycle-launch-replay'));
    expect((await h.store.get('i-0a1b2c3d4e5f60718'))?.lifecycle?.replay).toBe(true);
  });

  const badFields: [string, (event: ReturnType<typeof eventFixture>) => void, RegExp][] = [
    [
      'an instance id that is not one',
      (e) => {
        e.detail.EC2InstanceId = 'i-0a1b; rm -rf /';
      },
      /: invalid event: detail\.EC2InstanceId: must be an EC2 instance id/,
    ],
    [
      'a malformed token',
      (e) => {
        e.detail.LifecycleActionToken = "c3f1a8d2' OR '1'='1";
      },
      /: invalid event: detail\.LifecycleActionToken: must be a 36-character lifecycle action token/,
    ],
    [
      'another detail-type',
      (e) => {
        e['detail-type'] = 'EC2 Instance Launch Successful';
      },
      /: invalid event: detail-type: must be an EC2 Instance-launch\/terminate Lifecycle Action/,
    ],
    [
      'another source',
      (e) => {
        e.source = 'custom.autoscaling';
      },
      /: invalid event: source: must be aws\.autoscaling/,
    ],
    [
      'a transition that contradicts the detail-type',
      (e) => {
        e['detail-type'] = 'EC2 Instance-terminate Lifecycle Action';
      },
      /: invalid event: detail\.LifecycleTransition: does not match detail-type/,
    ],
  ];

  it.each(badFields)('rejects %s, naming the field', async (_, spoil, reason) => {
    const event = eventFixture('lifecycle-launch-windows');
    spoil(event);
    const result = await intakeLifecycleEvent(h.deps, event);
    expect(result.accepted).toBe(false);
    expect(`: ${result.reason}`).toMatch(reason);
    expectRejected(reason, 'lifecycle');
  });

  it('rejects a 2 MB detail by its size, before the schema walks it', async () => {
    // Powertools' parser validates through the Standard Schema interface.
    const parse = vi.spyOn(lifecycleEventSchema['~standard'], 'validate');
    const event = eventFixture('lifecycle-launch-windows');
    event.detail.NotificationMetadata = 'x'.repeat(2 * 1024 * 1024);
    try {
      const result = await intakeLifecycleEvent(h.deps, event);
      expect(result.accepted).toBe(false);
      expect(result.reason).toMatch(/^event is \d+ bytes, over EventBridge's 262144-byte limit$/);
      expect(parse).not.toHaveBeenCalled();
      expectRejected(/over EventBridge's 262144-byte limit/, 'lifecycle');
      // The spy does see an ordinary event, so "not called" above means something.
      await intakeLifecycleEvent(h.deps, eventFixture('lifecycle-launch-windows'));
      expect(parse).toHaveBeenCalledTimes(1);
    } finally {
      parse.mockRestore();
    }
  });

  it('rejects an event for a group no fleet owns, with the EventRejected metric', async () => {
    const result = await intakeLifecycleEvent(h.deps, eventFixture('lifecycle-launch-unconfigured-group'));
    expect(result).toEqual({
      accepted: false,
      reason: "no fleet is configured for Auto Scaling group 'prod-ecs-win-legacy'",
    });
    expectRejected("no fleet is configured for Auto Scaling group 'prod-ecs-win-legacy'", 'lifecycle');
    expect(h.telemetry.logs[0]?.fields).toEqual({ instanceId: 'i-07c6b5a4f3e2d1c0b' });
    expect(await h.store.get('i-07c6b5a4f3e2d1c0b')).toBeUndefined();
  });
});

describe('event time and group (issue 11)', () => {
  it('a launch dated in the future does not make the real terminate that follows look stale', async () => {
    const replay = eventFixture('lifecycle-launch-windows');
    replay.time = '2099-12-31T23:59:59Z'; // an operator's hand-made file
    await intakeLifecycleEvent(h.deps, replay);
    expect((await h.store.get('i-0a1b2c3d4e5f60718'))?.lifecycle?.eventAt).toBe(T0);

    h.clock.now = T0 + 600;
    h.effector.script.inspectDrain = silent; // the terminate starts by looking at the container instance
    const terminate = eventFixture('lifecycle-terminate-windows');
    terminate.time = new Date((T0 + 590) * 1000).toISOString();
    const result = await intakeLifecycleEvent(h.deps, terminate);
    expect(result).toMatchObject({ accepted: true, status: 'TERMINATING' });
  });

  it("refuses an event naming another fleet's group for a known instance, completing nothing", async () => {
    await intakeLifecycleEvent(h.deps, eventFixture('lifecycle-launch-windows'));
    const before = await h.store.get('i-0a1b2c3d4e5f60718');
    h.effector.calls.length = 0;
    h.telemetry.metrics.length = 0;
    h.telemetry.logs.length = 0;
    delivered.mockClear();
    const writes = h.store.writes;

    const terminate = eventFixture('lifecycle-terminate-windows');
    terminate.detail.AutoScalingGroupName = 'prod-ecs-linux-payments'; // configured, but for another fleet
    const result = await intakeLifecycleEvent(h.deps, terminate);
    const reason =
      "lifecycle event names Auto Scaling group 'prod-ecs-linux-payments', but instance i-0a1b2c3d4e5f60718 belongs to 'prod-ecs-win-orders' (fleet orders); nothing was completed";
    expect(result).toEqual({ accepted: false, reason });
    h.store.writes -= writes;
    expectRejected(reason, 'lifecycle');
    expect(await h.store.get('i-0a1b2c3d4e5f60718')).toEqual(before);
  });
});

const BATCH_CMD = '1b7f4d2e-8c3a-4e96-b0d5-a2f9e6c14b78';
const MGMT = 'i-0123456789abcdef0';
const HOST_A = 'i-0aaaaaaaaaaaaaaa1';
const HOST_B = 'i-0bbbbbbbbbbbbbbb2';

function waitingForAuthorize(instanceId: string, computerName: string, commandId?: string): HostRecord {
  return bareRecord({
    instanceId,
    fleet: 'orders',
    platform: 'windows',
    autoScalingGroupName: 'prod-ecs-win-orders',
    step: 'authorize',
    stepStartedAt: T0,
    computerName,
    joined: true,
    inGroup: true,
    pending: { purpose: 'authorize', commandId, targetInstanceId: MGMT, requestedAt: T0, attempt: 1 },
  });
}

async function storeBatch() {
  await h.store.put(waitingForAuthorize(HOST_A, 'EC2AMAZ-AAA', BATCH_CMD), undefined);
  // B never saw its commandSent: it adopts the command by purpose.
  await h.store.put(waitingForAuthorize(HOST_B, 'EC2AMAZ-BBB'), undefined);
  await h.store.putCommand({
    commandId: BATCH_CMD,
    purpose: 'authorize',
    documentName: 'gmsa-ready-example-GroupChange',
    targetInstanceId: MGMT,
    instanceIds: [HOST_A, HOST_B],
    sentAt: T0,
  });
}

const OUTPUT = 'GMSA-READY-RESULT EC2AMAZ-AAA$ ok\nGMSA-READY-RESULT EC2AMAZ-BBB$ error Insufficient access rights';

describe('intakeCommandStatusEvent', () => {
  it('accepts and ignores a command gmsa-ready did not send, without asking AWS', async () => {
    const result = await intakeCommandStatusEvent(h.deps, eventFixture('command-status-success'));
    expect(result).toEqual({
      accepted: true,
      reason: 'command e8d3c0e4-71f7-4491-898f-c9b35bee5f3b was not sent by gmsa-ready; ignored',
    });
    expect(h.effector.calls).toEqual([]);
    expect(delivered).not.toHaveBeenCalled();
  });

  it('reads a batch command once and hands its result, with the purpose, to every host it serves', async () => {
    await storeBatch();
    h.clock.now = T0 + 30;
    h.effector.script = {
      sendCommand: silent, // a host whose line says ok moves on to refresh
      enqueueGroupChange: silent, // a host whose line failed queues its undo
      getCommandInvocation: (e) => ({
        type: 'commandStatus',
        commandId: e.commandId,
        status: 'Failed',
        output: OUTPUT,
      }),
    };
    const result = await intakeCommandStatusEvent(h.deps, eventFixture('command-status-failed'));

    expect(result).toEqual({ accepted: true, status: 'Failed' });
    expect(h.effector.of('getCommandInvocation')).toEqual([
      { type: 'getCommandInvocation', commandId: BATCH_CMD, instanceId: MGMT },
    ]);
    const signal = {
      type: 'commandStatus',
      at: T0 + 30,
      commandId: BATCH_CMD,
      purpose: 'authorize',
      status: 'Failed',
      output: OUTPUT,
    };
    expect(delivered.mock.calls.map(([, id, s]) => [id, s])).toEqual([
      [HOST_A, signal],
      [HOST_B, signal],
    ]);
    // Each host reads its own line of the batch's output.
    expect(await h.store.get(HOST_A)).toMatchObject({ step: 'refresh', pending: { purpose: 'refresh' } });
    expect(await h.store.get(HOST_B)).toMatchObject({
      step: 'undo',
      failedStep: 'authorize',
      reason: 'authorize: group-insufficient-rights: Insufficient access rights',
    });
  });

  it('tells each host of a throttled read, so each reads again shortly and the invocation does not fail', async () => {
    await storeBatch();
    h.effector.script = {
      getCommandInvocation: (e) => ({
        type: 'failed',
        effect: e.type,
        kind: 'retryable',
        message: 'ThrottlingException: Rate exceeded',
      }),
    };
    const retryAt = h.clock.now + POLL_SECONDS.retry;
    const result = await intakeCommandStatusEvent(h.deps, eventFixture('command-status-failed'));
    expect(result).toEqual({ accepted: true, reason: 'status unread (throttled); read again later' });
    expect(delivered.mock.calls.map(([, id, s]) => [id, s.type])).toEqual([
      [HOST_A, 'failed'],
      [HOST_B, 'failed'],
    ]);
    for (const id of [HOST_A, HOST_B])
      expect(await h.store.get(id)).toMatchObject({
        step: 'authorize',
        pending: { unread: true },
        nextCheckAt: retryAt,
      });
    // The retry reads it again although the command is younger than the usual check interval.
    h.effector.script = {
      getCommandInvocation: (e) => ({ type: 'commandStatus', commandId: e.commandId, status: 'InProgress' }),
    };
    h.clock.now = retryAt;
    const before = h.effector.of('getCommandInvocation').length;
    await deliver(h.deps, HOST_A, { type: 'tick', at: h.clock.now, wake: true });
    expect(h.effector.of('getCommandInvocation').slice(before)).toEqual([
      { type: 'getCommandInvocation', commandId: BATCH_CMD, instanceId: MGMT },
    ]);
    expect((await h.store.get(HOST_A))?.pending?.unread).toBeUndefined(); // read: back to the usual interval
  });

  it('accepts but leaves to the reconciler a result it is not allowed to read', async () => {
    await storeBatch();
    h.effector.script = {
      getCommandInvocation: (e) => ({
        type: 'failed',
        effect: e.type,
        kind: 'denied',
        message: 'AccessDeniedException: no',
      }),
    };
    const result = await intakeCommandStatusEvent(h.deps, eventFixture('command-status-failed'));
    expect(result).toEqual({ accepted: true, reason: 'result unreadable' });
    expect(delivered).not.toHaveBeenCalled();
    expect(h.telemetry.logs).toContainEqual(
      expect.objectContaining({ level: 'warn', message: 'command result unreadable; the reconciler will ask again' }),
    );
  });

  describe('a join sent to several hosts as one command', () => {
    const JOIN_CMD = '2c8e5f3a-9d4b-4fa7-a1e6-b3f0d7e25c89';
    const waitingForJoin = (instanceId: string) =>
      bareRecord({
        instanceId,
        fleet: 'orders',
        platform: 'windows',
        autoScalingGroupName: 'prod-ecs-win-orders',
        step: 'join',
        stepStartedAt: T0,
        pending: { purpose: 'join', commandId: JOIN_CMD, targetInstanceId: instanceId, requestedAt: T0, attempt: 1 },
      });
    const statusOf = (instanceId: string) => {
      const event = eventFixture('command-status-failed');
      event.detail['command-id'] = JOIN_CMD;
      event.detail['instance-id'] = instanceId;
      event.detail['document-name'] = 'AWS-JoinDirectoryServiceDomain';
      return event;
    };

    beforeEach(async () => {
      for (const id of [HOST_A, HOST_B]) {
        await h.store.put(waitingForJoin(id), undefined);
        // Each host's loop indexes the shared command on its own; the store merges them.
        await h.store.putCommand({
          commandId: JOIN_CMD,
          purpose: 'join',
          documentName: 'AWS-JoinDirectoryServiceDomain',
          targetInstanceId: id,
          instanceIds: [id],
          sentAt: T0,
        });
      }
      h.clock.now = T0 + 30;
      h.effector.script = {
        wake: silent,
        getCommandInvocation: (e) => ({ type: 'commandStatus', commandId: e.commandId, status: 'InProgress' }),
      };
    });

    it("reads the event's own host's invocation and hands the result to that host only", async () => {
      expect((await h.store.getCommand(JOIN_CMD))?.instanceIds).toEqual([HOST_A, HOST_B]);
      const result = await intakeCommandStatusEvent(h.deps, statusOf(HOST_B));
      expect(result).toEqual({ accepted: true, status: 'InProgress' });
      expect(h.effector.of('getCommandInvocation')).toEqual([
        { type: 'getCommandInvocation', commandId: JOIN_CMD, instanceId: HOST_B },
      ]);
      expect(delivered.mock.calls.map(([, id, s]) => [id, s.type])).toEqual([[HOST_B, 'commandStatus']]);
    });

    it('ignores an event for an instance the command was not sent to, without asking AWS', async () => {
      const stranger = 'i-0ccccccccccccccc3';
      const result = await intakeCommandStatusEvent(h.deps, statusOf(stranger));
      expect(result).toEqual({
        accepted: true,
        reason: `command ${JOIN_CMD} was not sent to ${stranger} by gmsa-ready; ignored`,
      });
      expect(h.effector.calls).toEqual([]);
      expect(delivered).not.toHaveBeenCalled();
    });
  });

  describe('group commit: the lane the command held', () => {
    const KEY = `${MGMT}#authorize`;
    const WAITING = { change: change(3), claimId: 'claim-3' };
    let flushes: unknown[];
    const requestFlush = async (lane: unknown) => {
      flushes.push(lane);
    };
    const result = (status: string) => (e: { commandId: string }) => ({
      type: 'commandStatus' as const,
      commandId: e.commandId,
      status: status as 'Failed',
      output: OUTPUT,
    });

    beforeEach(async () => {
      flushes = [];
      await storeBatch();
      const ref = await h.store.getCommand(BATCH_CMD);
      await h.store.putCommand({ ...(ref as CommandRef), lane: { key: KEY, token: 't1' } });
      await h.store.putLane(
        { key: KEY, version: 1, inFlight: { t1: T0 + 120 }, waiting: [WAITING], lastSentAt: T0 },
        0,
      );
      h.clock.now = T0 + 30;
      h.effector.script = { sendCommand: silent, enqueueGroupChange: silent, getCommandInvocation: result('Failed') };
    });

    it('frees the lane when the command ends and asks the directory function to send what waited', async () => {
      await intakeCommandStatusEvent(h.deps, eventFixture('command-status-failed'), undefined, requestFlush);
      expect(await h.store.getLane(KEY)).toMatchObject({ version: 2, inFlight: {}, waiting: [WAITING] });
      expect(flushes).toEqual([{ managementInstanceId: MGMT, purpose: 'authorize' }]);
    });

    it('frees nothing twice on a duplicate event, and still asks while changes wait on the free lane', async () => {
      await intakeCommandStatusEvent(h.deps, eventFixture('command-status-failed'), undefined, requestFlush);
      await intakeCommandStatusEvent(h.deps, eventFixture('command-status-failed'), undefined, requestFlush);
      expect((await h.store.getLane(KEY))?.version).toBe(2);
      expect(flushes).toHaveLength(2);
    });

    it('holds the lane while the command runs', async () => {
      h.effector.script = { getCommandInvocation: result('InProgress') };
      await intakeCommandStatusEvent(h.deps, eventFixture('command-status-failed'), undefined, requestFlush);
      expect((await h.store.getLane(KEY))?.inFlight).toEqual({ t1: T0 + 120 });
      expect(flushes).toEqual([]);
    });

    it('still hands the result to every host when asking for the flush fails', async () => {
      const throttled = async () => {
        throw Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException', $metadata: {} });
      };
      await intakeCommandStatusEvent(h.deps, eventFixture('command-status-failed'), undefined, throttled);
      expect(delivered.mock.calls.map(([, id]) => id)).toEqual([HOST_A, HOST_B]);
      expect(h.telemetry.logs).toContainEqual(
        expect.objectContaining({
          level: 'warn',
          message: 'could not ask for a lane flush; the waiting changes go at the pace',
        }),
      );
    });

    it('asks no flush when nothing waits', async () => {
      await h.store.putLane({ key: KEY, version: 2, inFlight: { t1: T0 + 120 }, waiting: [] }, 1);
      await intakeCommandStatusEvent(h.deps, eventFixture('command-status-failed'), undefined, requestFlush);
      expect((await h.store.getLane(KEY))?.inFlight).toEqual({});
      expect(flushes).toEqual([]);
    });
  });

  it('rejects a malformed status event, naming the field', async () => {
    const event = eventFixture('command-status-success');
    event.detail['command-id'] = '../../etc/passwd';
    const result = await intakeCommandStatusEvent(h.deps, event);
    expect(result).toEqual({
      accepted: false,
      reason: 'invalid event: detail.command-id: must be a 36-character command id',
    });
    expectRejected(/detail\.command-id/, 'command-status');
  });
});
