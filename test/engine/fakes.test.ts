// The engine's fakes fail loudly: an effect a test did not script throws, naming it, and is reported after
// the test even when the engine caught the throw; only fire-and-forget effects may go unscripted.
import { describe, expect, it } from 'vitest';
import { harness, silent, T0, UnscriptedEffect } from './fakes';

const ID = 'i-0a1b2c3d4e5f60718';

describe('ScriptedEffector', () => {
  it('throws for an unscripted effect, naming it, and remembers it for the after-test check', async () => {
    const h = harness();
    const effect = { type: 'describeAgent', instanceId: ID } as const;
    await expect(h.effector.run(effect, T0)).rejects.toThrow(new UnscriptedEffect(effect).message);
    await expect(h.effector.run(effect, T0)).rejects.toThrow(/unscripted effect 'describeAgent'/);
    expect(h.effector.unscripted).toEqual([effect, effect]);
    h.effector.unscripted.length = 0; // expected here: keep the after-test check quiet
  });

  it('lets wake and tag go unscripted: they report nothing back', async () => {
    const h = harness();
    expect(await h.effector.run({ type: 'wake', instanceId: ID, delaySeconds: 15 }, T0)).toBeUndefined();
    expect(await h.effector.run({ type: 'tag', instanceId: ID, status: 'READY', reason: null }, T0)).toBeUndefined();
    expect(h.effector.unscripted).toEqual([]);
  });

  it('takes a scripted silent answer as success with nothing to report, and a scripted outcome with its time', async () => {
    const h = harness();
    h.effector.script = {
      describeAgent: silent,
      drain: (e) => ({ type: 'done', effect: e.type }),
    };
    expect(await h.effector.run({ type: 'describeAgent', instanceId: ID }, T0)).toBeUndefined();
    expect(await h.effector.run({ type: 'drain', cluster: 'c', containerInstanceArn: 'arn' }, T0 + 5)).toEqual({
      type: 'done',
      effect: 'drain',
      at: T0 + 5,
    });
  });

  it('lets a test declare another effect fire-and-forget', async () => {
    const h = harness();
    h.effector.fireAndForget.add('describeAgent');
    expect(await h.effector.run({ type: 'describeAgent', instanceId: ID }, T0)).toBeUndefined();
    expect(h.effector.unscripted).toEqual([]);
  });
});
