// Retry delays spread across hosts (lib/workflow/timing.ts spreadDelay): hosts throttled together come back apart.
import { describe, expect, it } from 'vitest';
import { spreadDelay } from '../../lib/workflow/timing';

const ids = Array.from({ length: 200 }, (_, n) => `i-${n.toString(16).padStart(17, '0')}`);
const AT = 1_800_000_000;

describe('spreadDelay', () => {
  it('waits at least the period and less than twice it', () => {
    for (const id of ids) {
      const delay = spreadDelay(id, AT, 30);
      expect(delay).toBeGreaterThanOrEqual(30);
      expect(delay).toBeLessThan(60);
      expect(Number.isInteger(delay)).toBe(true);
    }
  });

  it('decides the same for the same host and moment (a replayed decision), and differently a moment later', () => {
    expect(spreadDelay(ids[7] as string, AT, 30)).toBe(spreadDelay(ids[7] as string, AT, 30));
    const later = ids.filter((id) => spreadDelay(id, AT, 30) !== spreadDelay(id, AT + 31, 30));
    expect(later.length).toBeGreaterThan(ids.length / 2);
  });

  it('spreads hosts throttled at the same moment over the whole interval', () => {
    const perSecond = new Map<number, number>();
    for (const id of ids) {
      const delay = spreadDelay(id, AT, 30);
      perSecond.set(delay, (perSecond.get(delay) ?? 0) + 1);
    }
    expect(perSecond.size).toBe(30); // every second of the interval gets some of the 200
    expect(Math.max(...perSecond.values())).toBeLessThanOrEqual(20); // none gets a crowd (even: about 7)
  });
});
