import { describe, expect, it } from 'vitest';
import { coalescing } from '../../lib/engine/coalesce';
import type { Effector } from '../../lib/engine/ports';
import type { Effect, Signal } from '../../lib/workflow/types';

const agent = (instanceId: string): Effect => ({ type: 'describeAgent', instanceId });
const wake = (instanceId: string): Effect => ({ type: 'wake', instanceId, delaySeconds: 15 });

/** An effector that joins describeAgent and records each joined call and each single one. */
function joiningEffector(fail?: Error) {
  const joined: Effect[][] = [];
  const single: Effect[] = [];
  const effector: Effector = {
    joinable: new Set(['describeAgent']),
    async run(effect) {
      single.push(effect);
      return undefined;
    },
    async runJoined(effects, at) {
      joined.push(effects);
      if (fail) throw fail;
      return effects.map(
        (e) => ({ type: 'agent', at, online: (e as { instanceId: string }).instanceId === 'i-2' }) as Signal,
      );
    },
  };
  return { effector, joined, single };
}

/** Lets pending promise callbacks run. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('coalescing', () => {
  it('holds joinable effects until every participant waits, then runs them in one call, each answered', async () => {
    const { effector, joined } = joiningEffector();
    const shared = coalescing(effector, 3);
    const first = shared.effector.run(agent('i-1'), 10);
    const second = shared.effector.run(agent('i-2'), 11);
    await settle();
    expect(joined).toEqual([]); // the third participant may still ask
    const third = shared.effector.run(agent('i-3'), 12);
    expect(await Promise.all([first, second, third])).toEqual([
      { type: 'agent', at: 12, online: false },
      { type: 'agent', at: 12, online: true },
      { type: 'agent', at: 12, online: false },
    ]);
    expect(joined).toEqual([[agent('i-1'), agent('i-2'), agent('i-3')]]);
  });

  it('releases the held effects when the last other participant finishes without asking', async () => {
    const { effector, joined } = joiningEffector();
    const shared = coalescing(effector, 3);
    const first = shared.effector.run(agent('i-1'), 10);
    shared.leave();
    await settle();
    expect(joined).toEqual([]);
    shared.leave();
    expect(await first).toEqual({ type: 'agent', at: 10, online: false });
    expect(joined).toEqual([[agent('i-1')]]);
  });

  it('performs effects no call can share at once, holding nobody', async () => {
    const { effector, joined, single } = joiningEffector();
    const shared = coalescing(effector, 2);
    expect(await shared.effector.run(wake('i-1'), 10)).toBeUndefined();
    expect(single).toEqual([wake('i-1')]);
    expect(joined).toEqual([]);
  });

  it('starts a new shared call for effects asked after the last one went out', async () => {
    const { effector, joined } = joiningEffector();
    const shared = coalescing(effector, 2);
    await Promise.all([shared.effector.run(agent('i-1'), 10), shared.effector.run(agent('i-2'), 10)]);
    const again = shared.effector.run(agent('i-1'), 20);
    shared.leave();
    await again;
    expect(joined).toEqual([[agent('i-1'), agent('i-2')], [agent('i-1')]]);
  });

  it('fails every held effect when the shared call throws (a bug: AWS errors come back as signals)', async () => {
    const { effector } = joiningEffector(new TypeError('boom'));
    const shared = coalescing(effector, 2);
    const results = await Promise.allSettled([
      shared.effector.run(agent('i-1'), 1),
      shared.effector.run(agent('i-2'), 1),
    ]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
  });

  it('is the effector itself when it cannot join calls or only one host is handled', () => {
    const { effector } = joiningEffector();
    expect(coalescing(effector, 1).effector).toBe(effector);
    const plain: Effector = { run: async () => undefined };
    expect(coalescing(plain, 5).effector).toBe(plain);
  });
});
