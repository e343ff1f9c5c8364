import { beforeEach, describe, expect, it } from 'vitest';
import { handleWakeMessages } from '../../lib/engine/wake';
import type { HostRecord } from '../../lib/workflow/types';
import { bareRecord } from '../store/records';
import { type Harness, harness, sqsEvent, T0 } from './fakes';

const ID = 'i-0a1b2c3d4e5f60718';

let h: Harness;
beforeEach(async () => {
  h = harness();
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
      [{ type: 'wake', instanceId: ID, delaySeconds: 15 }, T0 + 15],
    ]);
    expect((await h.store.get(ID))?.nextCheckAt).toBe(T0 + 30);
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
        message: 'queue message dropped: instanceId: must be an EC2 instance id',
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
