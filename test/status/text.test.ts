import { describe, expect, it } from 'vitest';
import { formatAge, isoTime } from '../../lib/status/text';

describe('formatAge', () => {
  it.each([
    [0, '0s'],
    [59, '59s'],
    [60, '1m00s'],
    [252, '4m12s'],
    [3599, '59m59s'],
    [3600, '1h00m'],
    [2 * 3600 + 3 * 60 + 59, '2h03m'],
    [86_400 + 4 * 3600, '1d04h'],
    [12.9, '12s'],
    [-30, '0s'],
  ])('%s seconds is %s', (seconds, text) => {
    expect(formatAge(seconds)).toBe(text);
  });
});

it('isoTime reads epoch seconds', () => {
  expect(isoTime(1_735_000_000)).toBe('2024-12-24T00:26:40.000Z');
});
