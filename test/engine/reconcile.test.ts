import { beforeEach, describe, expect, it, vi } from 'vitest';
import { countGauges } from '../../lib/engine/gauge-count';
import { type ReconcileOptions, reconcile } from '../../lib/engine/reconcile';
import type { HostRecord } from '../../lib/workflow/types';
import { bareRecord } from '../store/records';
import { type Harness, harness, silent, T0 } from './fakes';

const NOW = T0 + 10_000;

function host(n: number, overrides: Partial<HostRecord> = {}): HostRecord {
  return bareRecord({
    instanceId: `i-0000000000000000${n}`,
    fleet: 'orders',
    platform: 'windows',
    autoScalingGroupName: 'prod-ecs-win-orders',
    status: 'LAUNCHING',
    step: 'agent',
    stepStartedAt: NOW - 10,
    createdAt: NOW - 10,
    updatedAt: NOW - 10 - n, // distinct, so pages have a stable order
    ...overrides,
  });
}

let h: Harness;
let states: ReturnType<typeof vi.fn<ReconcileOptions['instanceStates']>>;

beforeEach(() => {
  h = harness();
  // Ticked hosts ask SSM about their agent; vanished ones queue their group change. Neither answer matters here.
  h.effector.script = { describeAgent: silent, enqueueGroupChange: silent };
  h.clock.now = NOW;
  states = vi.fn<ReconcileOptions['instanceStates']>(async () => new Map());
});

async function seed(...records: HostRecord[]) {
  for (const record of records) await h.store.put(record, undefined);
}

const ticked = () => h.effector.of('describeAgent').map((e) => e.instanceId);

describe('reconcile: due records', () => {
  it('ticks records that are due or never scheduled, and leaves the others alone', async () => {
    await seed(host(1, { nextCheckAt: NOW - 1 }), host(2, { nextCheckAt: NOW + 60 }), host(3));
    const summary = await reconcile(h.deps, { instanceStates: states });

    expect(summary).toEqual({ inFlight: 3, ticked: 2, vanished: [], errors: 0 });
    expect(ticked().sort()).toEqual(['i-00000000000000001', 'i-00000000000000003']);
    expect((await h.store.get('i-00000000000000002'))?.version).toBe(1);
    // Nothing is old enough to have vanished: EC2 is not asked.
    expect(states).not.toHaveBeenCalled();
  });

  it('delivers at most maxTicks ticks, the longest-overdue first', async () => {
    await seed(
      host(1, { nextCheckAt: NOW - 10 }),
      host(2, { nextCheckAt: NOW - 50 }),
      host(3, { nextCheckAt: NOW - 30 }),
      host(4, { nextCheckAt: NOW - 40 }),
      host(5, { nextCheckAt: NOW - 20 }),
    );
    const summary = await reconcile(h.deps, { instanceStates: states, maxTicks: 2 });
    expect(summary.ticked).toBe(2);
    expect(ticked()).toEqual(['i-00000000000000002', 'i-00000000000000004']);
  });

  it('keeps going when one host fails, and counts the error', async () => {
    await seed(host(1, { nextCheckAt: NOW - 2 }), host(2, { nextCheckAt: NOW - 1 }));
    h.effector.script = {
      describeAgent: (e) => {
        if (e.instanceId === 'i-00000000000000001') throw new Error('boom');
        return undefined;
      },
    };
    const summary = await reconcile(h.deps, { instanceStates: states });
    expect(summary).toMatchObject({ ticked: 1, errors: 1 });
    expect(ticked()).toEqual(['i-00000000000000001', 'i-00000000000000002']);
    expect(h.telemetry.logs).toContainEqual({
      level: 'error',
      message: 'reconciler could not advance a host',
      fields: { instanceId: 'i-00000000000000001', error: 'Error: boom' },
    });
  });
});

describe('reconcile: vanished hosts', () => {
  const ready = (n: number, age: number) =>
    host(n, {
      status: 'READY',
      step: 'done',
      createdAt: NOW - age,
      computerName: `EC2AMAZ-HOST00${n}`,
      joined: true,
      inGroup: true,
    });

  it.each([
    ['terminated', true],
    ['shutting-down', true],
    ['stopped', false],
    ['stopping', false],
    ['running', false],
  ])('treats an instance in state %s as gone: %s', async (state, gone) => {
    await seed(ready(1, 1000));
    states.mockResolvedValue(new Map([['i-00000000000000001', state]]));
    const summary = await reconcile(h.deps, { instanceStates: states });

    expect(summary.vanished).toEqual(gone ? ['i-00000000000000001'] : []);
    const record = await h.store.get('i-00000000000000001');
    if (gone) {
      expect(record).toMatchObject({ status: 'TERMINATING', step: 'deauthorize' });
      expect(h.effector.of('enqueueGroupChange')[0]?.change).toMatchObject({
        computerAccount: 'EC2AMAZ-HOST001$',
        action: 'remove',
        purpose: 'deauthorize',
        deleteComputerAccount: true,
      });
    } else {
      expect(record).toMatchObject({ status: 'READY', version: 1 });
      expect(h.effector.calls).toEqual([]);
    }
  });

  it('treats an instance EC2 no longer knows as gone', async () => {
    await seed(ready(1, 1000));
    const summary = await reconcile(h.deps, { instanceStates: states });
    expect(summary.vanished).toEqual(['i-00000000000000001']);
  });

  it('judges nobody gone when EC2 cannot answer, and still publishes the gauges', async () => {
    await seed(ready(1, 1000));
    states.mockRejectedValue(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }));
    const summary = await reconcile(h.deps, { instanceStates: states });
    expect(summary).toMatchObject({ vanished: [], errors: 1 });
    expect((await h.store.get('i-00000000000000001'))?.status).toBe('READY');
    expect(h.telemetry.metrics.map((m) => m.name)).toContain('CleanupsPending');
  });

  it('asks EC2 only about hosts older than the grace period', async () => {
    await seed(ready(1, 1000), ready(2, 301), ready(3, 299), ready(4, 10));
    await reconcile(h.deps, { instanceStates: states });
    expect(states).toHaveBeenCalledTimes(1);
    expect(states.mock.calls[0]?.[0].slice().sort()).toEqual(['i-00000000000000001', 'i-00000000000000002']);
    expect((await h.store.get('i-00000000000000003'))?.status).toBe('READY');
    expect((await h.store.get('i-00000000000000004'))?.status).toBe('READY');
  });
});

describe('reconcile: gauges', () => {
  it('publishes every gauge for every fleet, zero included', async () => {
    await reconcile(h.deps, { instanceStates: states });
    const zero = (fleet: string) => [
      { name: 'CleanupsPending', unit: 'Count', value: 0, dimensions: { Fleet: fleet } },
      { name: 'OldestCleanupPendingSeconds', unit: 'Seconds', value: 0, dimensions: { Fleet: fleet } },
      { name: 'InFlightOverdue', unit: 'Count', value: 0, dimensions: { Fleet: fleet } },
      { name: 'FailedHosts', unit: 'Count', value: 0, dimensions: { Fleet: fleet } },
    ];
    expect(h.telemetry.metrics).toEqual([...zero('orders'), ...zero('payments-linux'), ...zero('reports-domainless')]);
  });

  it('counts hosts in flight per step, pending cleanups and overdue hosts', async () => {
    await seed(
      host(1, { nextCheckAt: NOW + 60 }),
      host(2, { nextCheckAt: NOW + 60, step: 'join', createdAt: NOW - 4000 }),
      host(3, { status: 'CLEANUP_PENDING', step: 'deauthorize', cleanupSince: NOW - 700, nextCheckAt: NOW + 60 }),
    );
    states.mockResolvedValue(new Map([['i-00000000000000002', 'running']])); // old enough to be checked; still there
    await reconcile(h.deps, { instanceStates: states });
    const orders = h.telemetry.metrics.filter((m) => m.dimensions.Fleet === 'orders');
    expect(orders).toEqual([
      { name: 'InFlight', unit: 'Count', value: 1, dimensions: { Fleet: 'orders', Step: 'agent' } },
      { name: 'InFlight', unit: 'Count', value: 1, dimensions: { Fleet: 'orders', Step: 'join' } },
      { name: 'CleanupsPending', unit: 'Count', value: 1, dimensions: { Fleet: 'orders' } },
      { name: 'OldestCleanupPendingSeconds', unit: 'Seconds', value: 700, dimensions: { Fleet: 'orders' } },
      { name: 'InFlightOverdue', unit: 'Count', value: 1, dimensions: { Fleet: 'orders' } },
      { name: 'FailedHosts', unit: 'Count', value: 0, dimensions: { Fleet: 'orders' } },
    ]);
    // Gauges go to telemetry, not through the effector.
    expect(h.effector.calls.filter((c) => c.effect.type === 'metric')).toEqual([]);
  });
});

describe('reconcile: bounded runs', () => {
  it('remembers where it stopped and covers every record over successive runs', async () => {
    // Five in flight and three settled, none due (so the reads do not reorder them); two per page.
    await seed(
      ...[1, 2, 3, 4, 5].map((n) => host(n, { status: 'TERMINATING', step: 'drain', nextCheckAt: NOW + 600 })),
      ...[6, 7, 8].map((n) => host(n, { status: 'READY', step: 'done' })),
    );
    const read: string[] = [];
    const list = h.store.listByStatus.bind(h.store);
    h.store.listByStatus = async (status, options) => {
      const page = await list(status, options);
      // The tick scan's pages (the gauge count reads its own pages of 1,000).
      if (status === 'TERMINATING' && options.limit === 2) read.push(...page.items.map((r) => r.instanceId));
      return page;
    };
    const options = { instanceStates: states, pageSize: 2, pagesPerStatus: 2 };

    const first = await reconcile(h.deps, options);
    expect(first.inFlight).toBe(4);
    expect(h.store.markers.get('inflight-TERMINATING')).toBe('4');
    // The vanish scan reads one page per status per run, with its own marker.
    expect(h.store.markers.get('vanish-READY')).toBe('2');

    const second = await reconcile(h.deps, options);
    expect(second.inFlight).toBe(1);
    expect(h.store.markers.has('inflight-TERMINATING')).toBe(false); // wrapped: the next run starts over
    expect(h.store.markers.has('vanish-READY')).toBe(false);
    expect(read.slice().sort()).toEqual([1, 2, 3, 4, 5].map((n) => `i-0000000000000000${n}`));

    const third = await reconcile(h.deps, options);
    expect(third.inFlight).toBe(4);
    expect(h.store.markers.get('vanish-READY')).toBe('2');
  });

  it('writes a bookmark only when it moved: a scan that fits in one run writes none', async () => {
    await seed(host(1, { nextCheckAt: NOW + 600 }), host(2, { status: 'READY', step: 'done' }));
    const putMarker = vi.spyOn(h.store, 'putMarker');
    await reconcile(h.deps, { instanceStates: states });
    await reconcile(h.deps, { instanceStates: states });
    expect(putMarker).not.toHaveBeenCalled();

    // A bookmark that moves is written, and cleared again once the scan wraps.
    await seed(host(3, { nextCheckAt: NOW + 600 }));
    const options = { instanceStates: states, pageSize: 1, pagesPerStatus: 1 };
    await reconcile(h.deps, options);
    expect(putMarker).toHaveBeenCalledWith('inflight-LAUNCHING', expect.any(String));
    putMarker.mockClear();
    await reconcile(h.deps, options);
    expect(putMarker).toHaveBeenCalledWith('inflight-LAUNCHING', undefined);
  });

  it('counts the gauges exactly past one page per status, even while the tick scan reads only part', async () => {
    // 2,500 hosts in one step: the ticks read 10 pages of 100; the gauges count all of them.
    await seed(...Array.from({ length: 2500 }, (_, n) => host(n + 1, { step: 'join', nextCheckAt: NOW + 600 })));
    const summary = await reconcile(h.deps, { instanceStates: states });
    expect(summary.inFlight).toBe(1000);
    expect(h.telemetry.metrics).toContainEqual({
      name: 'InFlight',
      unit: 'Count',
      value: 2500,
      dimensions: { Fleet: 'orders', Step: 'join' },
    });
  });

  it('resumes a count larger than one run allows and publishes it only when complete', async () => {
    await seed(...Array.from({ length: 2500 }, (_, n) => host(n + 1, { step: 'join', nextCheckAt: NOW + 600 })));
    const inFlight = () => h.telemetry.metrics.filter((m) => m.name === 'InFlight').map((m) => m.value);
    expect(await countGauges(h.deps, 2)).toBeUndefined();
    expect(await countGauges(h.deps, 2)).toBeUndefined();
    const data = await countGauges(h.deps, 2);
    expect(data?.find((d) => d.name === 'InFlight')?.value).toBe(2500);
    expect(inFlight()).toEqual([]);
    expect(h.store.markers.get('gauge-count')).toBeUndefined(); // the next count starts over
  });
});
