// The sleep count is only meaningful if it counts: timers made inside an instrumented invocation are
// sleeps unless cleared unfired; timers outside invocations are the sandbox's own and never count.
import { setTimeout as delay } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InvocationProbe } from '../../lib/bench/invocation-probe';

describe('InvocationProbe', () => {
  let probe: InvocationProbe;
  beforeEach(() => {
    probe = new InvocationProbe();
    probe.install();
  });
  afterEach(() => probe.uninstall());

  it('counts a timer a handler awaits as a sleep', async () => {
    await probe.wrap('continue', () => new Promise((resolve) => setTimeout(resolve, 0)));
    expect(probe.sleeps()).toEqual([{ function: 'continue', api: 'setTimeout', delayMs: 0, how: 'fired' }]);
    expect(probe.invocations).toBe(1);
  });

  it('counts an awaited timers/promises delay and a timer left waiting when the invocation ends', async () => {
    await probe.wrap('lifecycle', async () => {
      await delay(0);
    });
    let left: NodeJS.Timeout | undefined;
    await probe.wrap('directory', async () => {
      left = setTimeout(() => undefined, 60_000);
    });
    expect(probe.sleeps()).toEqual([
      { function: 'lifecycle', api: 'timers/promises.setTimeout', delayMs: 0, how: 'awaited' },
      { function: 'directory', api: 'setTimeout', delayMs: 60_000, how: 'pending' },
    ]);
    clearTimeout(left);
  });

  it('treats a timer cleared unfired as an I/O guard, not a sleep', async () => {
    await probe.wrap('reconciler', async () => {
      const guard = setTimeout(() => undefined, 5_000);
      clearTimeout(Number(guard));
      const interval = setInterval(() => undefined, 5_000);
      clearInterval(interval);
    });
    expect(probe.sleeps()).toEqual([]);
    expect(probe.guardTimers).toBe(2);
  });

  it('ignores timers made outside invocations', async () => {
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(probe.sleeps()).toEqual([]);
    expect(probe.guardTimers).toBe(0);
  });

  it('restores the original timer functions', () => {
    const patched = globalThis.setTimeout;
    probe.uninstall();
    expect(globalThis.setTimeout).not.toBe(patched);
    probe.install();
  });
});
