import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Chaos } from '../../lib/sandbox/chaos';
import { MinHeap } from '../../lib/sandbox/heap';
import { Random } from '../../lib/sandbox/random';
import { Scheduler } from '../../lib/sandbox/scheduler';

describe('MinHeap', () => {
  it('pops in order whatever the push order', () => {
    fc.assert(
      fc.property(fc.array(fc.integer()), (values) => {
        const heap = new MinHeap<number>((a, b) => a < b);
        for (const v of values) heap.push(v);
        const out: number[] = [];
        while (heap.size > 0) out.push(heap.pop() as number);
        expect(out).toEqual([...values].sort((a, b) => a - b));
      }),
    );
  });
});

describe('Scheduler', () => {
  it('runs jobs in time order, ties in scheduling order, moving the clock only between jobs', async () => {
    const s = new Scheduler(1000);
    const seen: string[] = [];
    s.after(10, 'b', () => void seen.push(`b@${s.elapsed()}`));
    s.after(5, 'a', () => {
      seen.push(`a@${s.elapsed()}`);
      s.after(5, 'c', () => void seen.push(`c@${s.elapsed()}`)); // same time as b, queued later
    });
    while (await s.step());
    expect(seen).toEqual(['a@5', 'b@10', 'c@10']);
  });

  it('counts only foreground jobs as busy, and a cancelled job neither runs nor keeps it busy', async () => {
    const s = new Scheduler(0);
    let ran = false;
    s.after(60, 'tick', () => undefined, true);
    expect(s.busy).toBe(false);
    const cancel = s.after(30, 'timeout', () => {
      ran = true;
    });
    expect(s.busy).toBe(true);
    cancel();
    cancel();
    expect(s.busy).toBe(false);
    await s.runUntil(100);
    expect(ran).toBe(false);
    expect(s.now()).toBe(100);
  });
});

describe('Random and Chaos', () => {
  it('gives the same names for the same seed and 36-character UUIDs', () => {
    const a = new Random(42);
    const b = new Random(42);
    expect([a.uuid(), a.chars(6, 'AB')]).toEqual([b.uuid(), b.chars(6, 'AB')]);
    expect(new Random(1).uuid()).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('injects nothing when every rate is zero, and roughly the asked rate otherwise, counting what it did', () => {
    const quiet = new Chaos(
      { duplicateEvents: 0, dropStatusEvents: 0, reorderEvents: false, throttle: 0, apiErrors: 0 },
      1,
    );
    expect(quiet.deliveries('commandStatus')).toEqual([0]);
    expect(quiet.failure('ssm:SendCommand')).toBeUndefined();
    const loud = new Chaos(
      { duplicateEvents: 0.5, dropStatusEvents: 0, reorderEvents: false, throttle: 0.5, apiErrors: 0 },
      1,
    );
    const copies = Array.from({ length: 1000 }, () => loud.deliveries('lifecycle').length);
    const throttled = Array.from({ length: 1000 }, () => loud.failure('ssm:SendCommand')).filter(Boolean);
    expect(copies.filter((n) => n === 2).length).toBeGreaterThan(400);
    expect(copies.filter((n) => n === 2).length).toBeLessThan(600);
    expect(throttled[0]).toEqual({
      name: 'ThrottlingException',
      fault: 'client',
      message: 'Rate exceeded (ssm:SendCommand)',
    });
    expect(loud.injected.throttled).toBe(throttled.length);
  });
});
