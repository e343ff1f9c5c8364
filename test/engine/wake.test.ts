import { beforeEach, describe, expect, it } from 'vitest';
import { FUNCTION_CAPABILITIES, performs } from '../../lib/capabilities';
import { INSTANCE_ID_SHAPE } from '../../lib/config/patterns';
import { deliver } from '../../lib/engine/engine';
import type { Effector, HandOn } from '../../lib/engine/ports';
import { handleWakeMessages } from '../../lib/engine/wake';
import type { Effect, HostRecord } from '../../lib/workflow/types';
import { bareRecord } from '../store/records';
import { type Harness, harness, silent, sqsEvent, T0 } from './fakes';

const ID = 'i-0a1b2c3d4e5f60718';

let h: Harness;
beforeEach(async () => {
  h = harness();
  h.effector.script = { describeAgent: silent }; // the agent step asks SSM; no answer is needed here
  h.clock.now = T0 + 15;
  await h.store.put(
    bareRecord({
      instanceId: ID,
      fleet: 'orders',
      platform: 'windows',
      autoScalingGroupName: 'prod-ecs-win-orders',
      step: 'agent',
      stepStartedAt: T0,
      createdAt: T0,
      nextCheckAt: T0 + 15,
    }),
    undefined,
  );
});

describe('handleWakeMessages', () => {
  it('turns a wake message into a tick for its host', async () => {
    const result = await handleWakeMessages(h.deps, sqsEvent([{ instanceId: ID }]));
    expect(result).toEqual({ batchItemFailures: [] });
    // The agent step looks again: DescribeInstanceInformation and another wake.
    expect(h.effector.calls.map((c) => [c.effect, c.at])).toEqual([
      [{ type: 'describeAgent', instanceId: ID }, T0 + 15],
      // T0 + 18 is the first multiple of 5 s at least 2.5 s away: agent polls wake on a shared grid.
      // The wake starts a polling chain numbered by the version written; the record's lease runs 60 s past it.
      [{ type: 'wake', instanceId: ID, delaySeconds: 3, chain: 2 }, T0 + 15],
    ]);
    expect(await h.store.get(ID)).toMatchObject({ version: 2, pollChain: 2, nextCheckAt: T0 + 18 + 60 });
  });

  it("handles its polling chain's wake inside the lease, and a poll that learns nothing writes nothing", async () => {
    await handleWakeMessages(h.deps, sqsEvent([{ instanceId: ID }]));
    h.effector.calls.length = 0;
    const writes = h.store.writes;
    h.clock.now = T0 + 18;
    await handleWakeMessages(h.deps, sqsEvent([{ instanceId: ID, chain: 2 }]));
    expect(h.effector.calls.map((c) => c.effect)).toEqual([
      { type: 'describeAgent', instanceId: ID },
      { type: 'wake', instanceId: ID, delaySeconds: 5, chain: 2 },
    ]);
    expect(h.store.writes).toBe(writes);
    // Another chain's wake (a stale number) inside the lease is not due.
    h.effector.calls.length = 0;
    await handleWakeMessages(h.deps, sqsEvent([{ instanceId: ID, chain: 1 }]));
    expect(h.effector.calls).toEqual([]);
  });

  it('ignores a stale wake: a record not yet due gets no tick, so no second wake chain starts', async () => {
    // A newer decision moved nextCheckAt well past this wake (and scheduled its own look); ticking now
    // would emit yet another wake, and every such chain lives until the step ends.
    const current = await h.store.get(ID);
    await h.store.put({ ...(current as HostRecord), version: 2, nextCheckAt: T0 + 300 }, 1);
    const writes = h.store.writes;
    const result = await handleWakeMessages(h.deps, sqsEvent([{ instanceId: ID }]));
    expect(result).toEqual({ batchItemFailures: [] });
    expect(h.effector.calls).toEqual([]);
    expect(h.store.writes).toBe(writes);
  });

  it('creates nothing for a host without a record', async () => {
    const writes = h.store.writes;
    const result = await handleWakeMessages(h.deps, sqsEvent([{ instanceId: 'i-0ffffffffffffffff' }]));
    expect(result).toEqual({ batchItemFailures: [] });
    expect(h.store.writes).toBe(writes);
    expect(h.effector.calls).toEqual([]);
  });

  it('drops messages that can never be processed, naming why, and still handles the rest', async () => {
    const result = await handleWakeMessages(
      h.deps,
      sqsEvent(['not json', { instanceId: "i-0a1b'; DROP TABLE" }, { instanceId: ID }]),
    );
    expect(result).toEqual({ batchItemFailures: [] });
    expect(h.telemetry.logs).toEqual([
      { level: 'error', message: 'queue message dropped: not JSON', fields: { messageId: 'm-0' } },
      {
        level: 'error',
        message: `queue message dropped: instanceId: must be ${INSTANCE_ID_SHAPE}`,
        fields: { messageId: 'm-1' },
      },
    ]);
    expect(h.effector.of('describeAgent')).toEqual([{ type: 'describeAgent', instanceId: ID }]);
  });

  it('returns the messages whose delivery failed, so SQS redelivers only those', async () => {
    const other = 'i-0bbbbbbbbbbbbbbb2';
    const get = h.store.get.bind(h.store);
    h.store.get = async (id) => {
      if (id === other) throw new Error('ProvisionedThroughputExceededException');
      return get(id);
    };
    const result = await handleWakeMessages(h.deps, sqsEvent([{ instanceId: other }, { instanceId: ID }]));
    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: 'm-0' }] });
    expect(h.effector.of('describeAgent')).toEqual([{ type: 'describeAgent', instanceId: ID }]);
    expect(h.telemetry.logs).toContainEqual({
      level: 'warn',
      message: 'wake failed; SQS will redeliver',
      fields: { instanceId: other, error: 'Error: ProvisionedThroughputExceededException' },
    });
  });
});

describe('a batch of wakes', () => {
  it('handles its hosts together, so their agent polls share one call', async () => {
    const others = ['i-0bbbbbbbbbbbbbbb2', 'i-0ccccccccccccccc3'];
    const base = await h.store.get(ID);
    for (const instanceId of others) await h.store.put({ ...(base as HostRecord), instanceId, version: 1 }, undefined);
    const joined: Effect[][] = [];
    const effector: Effector = {
      joinable: new Set(['describeAgent']),
      run: (effect, at) => h.effector.run(effect, at),
      async runJoined(effects, at) {
        joined.push(effects);
        return Promise.all(effects.map((effect) => h.effector.run(effect, at)));
      },
    };
    const ids = [ID, ...others];
    const result = await handleWakeMessages(
      { ...h.deps, effector },
      sqsEvent(ids.map((instanceId) => ({ instanceId }))),
    );
    expect(result).toEqual({ batchItemFailures: [] });
    expect(joined).toEqual([ids.map((instanceId) => ({ type: 'describeAgent', instanceId }))]);
    // Each host still schedules its own next look, all on the same grid point.
    expect(h.effector.of('wake').map((w) => w.delaySeconds)).toEqual([3, 3, 3]);
  });
});

describe('effects handed on by a function whose role may not perform them', () => {
  it('hands on what the function may not perform and performs the rest, after storing the record', async () => {
    const handed: { instanceId: string; effect: Effect; version?: number }[] = [];
    const handOn: HandOn = {
      performs: (type) => performs(FUNCTION_CAPABILITIES.directory, type),
      send: async (instanceId, effect) => {
        handed.push({ instanceId, effect, version: (await h.store.get(instanceId))?.version });
        return undefined;
      },
    };
    await deliver({ ...h.deps, handOn }, ID, { type: 'tick', at: T0 + 15 });
    // The agent step asks SSM (handed on: the directory role may not) and schedules a wake (its own).
    expect(handed).toEqual([{ instanceId: ID, effect: { type: 'describeAgent', instanceId: ID }, version: 2 }]);
    expect(h.effector.types()).toEqual(['wake']);
  });

  it('performs a handed-on effect on the wake queue and gives its outcome to the host record', async () => {
    h.effector.script.describeAgent = () => ({ type: 'agent', online: true, computerName: 'EC2AMAZ-AB12CD' });
    h.effector.script.sendCommand = silent; // the agent online, the host moves on to join
    const effect = { type: 'describeAgent', instanceId: ID };
    const result = await handleWakeMessages(h.deps, sqsEvent([{ instanceId: ID, effect }]));
    expect(result).toEqual({ batchItemFailures: [] });
    expect(h.effector.calls[0]?.effect).toEqual(effect);
    // The agent answered online: the record moved past the agent step.
    expect((await h.store.get(ID))?.step).not.toBe('agent');
  });

  it('drops a wake message whose effect is not an AWS effect, naming the field', async () => {
    const result = await handleWakeMessages(h.deps, sqsEvent([{ instanceId: ID, effect: { type: 'log' } }]));
    expect(result).toEqual({ batchItemFailures: [] });
    expect(h.effector.calls).toEqual([]);
    expect(h.telemetry.logs[0]?.message).toMatch(/^queue message dropped: effect\.type: must be an AWS effect type/);
  });
});
