// The sweep's bound on adoptions (issue 11): a first sweep over many hosts that predate gmsa-ready starts at
// most adoptionsPerRun adoptions a run; the rest are left for a later pass, untouched.
import { describe, expect, it, vi } from 'vitest';
import type { GroupInstancePage } from '../../lib/aws/autoscaling';
import { sweep } from '../../lib/engine/sweep';
import { harness, silent } from './fakes';

const running = (n: number) => `i-0${n.toString(16).padStart(16, '0')}`;

function page(states: string[]): GroupInstancePage {
  return {
    instances: states.map((lifecycleState, i) => ({
      instanceId: running(i + 1),
      autoScalingGroupName: 'prod-ecs-win-orders',
      lifecycleState,
    })),
  };
}

describe('sweep: adoptions per run', () => {
  it('starts at most adoptionsPerRun adoptions and defers the other running hosts, while still serving waits', async () => {
    const h = harness();
    h.effector.script = { describeAgent: silent, claimIdentity: silent };
    const listing = page(['InService', 'InService', 'Pending:Wait', 'InService', 'InService']);
    const summary = await sweep(h.deps, { describe: async () => listing, adoptionsPerRun: 2 });

    expect(summary).toMatchObject({ looked: 5, adopted: 2, deferred: 2, errors: 0, wrapped: true });
    expect((await h.store.get(running(1)))?.status).toBe('ADOPTING');
    expect((await h.store.get(running(2)))?.status).toBe('ADOPTING');
    // A lost launch event is still served although the adoptions are used up.
    expect((await h.store.get(running(3)))?.status).toBe('LAUNCHING');
    expect(await h.store.get(running(4))).toBeUndefined();
    expect(await h.store.get(running(5))).toBeUndefined();
  });

  it('adopts them on a later run', async () => {
    const h = harness();
    h.effector.script = { describeAgent: silent };
    const listing = page(['InService', 'InService', 'InService']);
    await sweep(h.deps, { describe: async () => listing, adoptionsPerRun: 2 });
    const second = await sweep(h.deps, { describe: async () => listing, adoptionsPerRun: 2 });
    expect(second).toMatchObject({ adopted: 1, deferred: 0 });
    expect((await h.store.get(running(3)))?.status).toBe('ADOPTING');
  });

  it('writes its bookmark only when it moved', async () => {
    const h = harness();
    h.effector.script = { describeAgent: silent };
    const putMarker = vi.spyOn(h.store, 'putMarker');
    // One page: the pass wraps where it began, so there is nothing to remember.
    await sweep(h.deps, { describe: async () => page(['Pending:Wait']) });
    expect(putMarker).not.toHaveBeenCalled();
    // More pages than one run reads: the token is kept for the next run.
    await sweep(h.deps, { describe: async () => ({ ...page([]), nextToken: 'next' }), pagesPerRun: 1 });
    expect(putMarker).toHaveBeenCalledWith('sweep', 'next');
  });
});
