// Issue 11: `--seed` varies a chaos block's draws unless the world pins chaos.seed, and the report says which
// seed ran (report key `seed`: `run` is --seed, `chaos` the seed the chaos draws used).
import { describe, expect, it } from 'vitest';
import type { World } from '../../lib/sandbox/world';
import { buildWorld, runWorld } from '../property/worlds';

const FLEET = {
  platform: 'windows',
  mode: 'domain-joined',
  onLaunchFailure: 'ABANDON',
  deleteComputerAccount: true,
  heartbeatTimeoutSeconds: 900,
} as const;

function chaosWorld(pinned?: number): World {
  const world = buildWorld({
    fleets: [FLEET],
    instances: [0, 1, 2].map((i) => ({ fleet: 0, launchAt: i * 20, end: { kind: 'terminate', after: 1800 } })),
    chaos: {
      seed: 0,
      duplicateEvents: 0.4,
      dropStatusEvents: 0.3,
      reorderEvents: true,
      throttle: 0.2,
      apiErrors: 0.05,
    },
  });
  const chaos = world.chaos ?? {
    duplicateEvents: 0,
    dropStatusEvents: 0,
    reorderEvents: false,
    throttle: 0,
    apiErrors: 0,
  };
  return { ...world, chaos: { ...chaos, seed: pinned } };
}

describe('the seed a sandbox run used', () => {
  it('is --seed for the chaos draws when the world pins none, so another --seed draws differently', async () => {
    const one = await runWorld(chaosWorld(), 1);
    const two = await runWorld(chaosWorld(), 2);
    expect(one.seed).toEqual({ run: 1, chaos: 1 });
    expect(two.seed).toEqual({ run: 2, chaos: 2 });
    expect(one.sandbox.chaos).not.toEqual(two.sandbox.chaos);
    for (const report of [one, two]) expect(report.invariants.held).toBe(true);
  }, 60_000);

  it("is the world's chaos.seed whatever --seed says", async () => {
    const one = await runWorld(chaosWorld(77), 1);
    const two = await runWorld(chaosWorld(77), 2);
    expect(one.seed).toEqual({ run: 1, chaos: 77 });
    expect(two.seed).toEqual({ run: 2, chaos: 77 });
  }, 60_000);

  it('names no chaos seed for a world without a chaos block', async () => {
    const world = buildWorld({ fleets: [FLEET], instances: [{ fleet: 0, launchAt: 0 }] });
    expect((await runWorld(world, 5)).seed).toEqual({ run: 5 });
  }, 60_000);
});
