import { describe, expect, it } from 'vitest';
import { statusRows } from '../../lib/status/rows';
import { bareRecord, T0 } from '../store/records';

describe('statusRows', () => {
  const now = T0 + 1000;

  it('shows the step and time in it for in-flight hosts', () => {
    const [row] = statusRows(
      [bareRecord({ status: 'TERMINATING', step: 'drain', stepStartedAt: T0 + 400, updatedAt: T0 + 900 })],
      now,
    );
    expect(row).toEqual({
      instanceId: 'i-0123456789abcdef0',
      fleet: 'orders',
      computerName: '',
      status: 'TERMINATING',
      step: 'drain',
      ageSeconds: 600,
      reason: '',
    });
  });

  it('hides the last step of settled hosts and ages them from their last update', () => {
    const [row] = statusRows(
      [
        bareRecord({
          status: 'FAILED',
          step: 'verify',
          stepStartedAt: T0,
          updatedAt: T0 + 700,
          computerName: 'EC2AMAZ-ABC123',
          reason: 'no credential spec',
        }),
      ],
      now,
    );
    expect(row).toMatchObject({ status: 'FAILED', step: '', ageSeconds: 300, computerName: 'EC2AMAZ-ABC123' });
    expect(row?.reason).toBe('no credential spec');
  });

  it('orders by fleet, then status, then instance', () => {
    const rows = statusRows(
      [
        bareRecord({ instanceId: 'i-0000000000000000c', fleet: 'web', status: 'READY' }),
        bareRecord({ instanceId: 'i-0000000000000000b', fleet: 'orders', status: 'READY' }),
        bareRecord({ instanceId: 'i-0000000000000000d', fleet: 'orders', status: 'LAUNCHING' }),
        bareRecord({ instanceId: 'i-0000000000000000a', fleet: 'orders', status: 'READY' }),
      ],
      now,
    );
    expect(rows.map((row) => row.instanceId)).toEqual([
      'i-0000000000000000d',
      'i-0000000000000000a',
      'i-0000000000000000b',
      'i-0000000000000000c',
    ]);
  });

  it('never shows a negative age when a record is newer than now', () => {
    expect(statusRows([bareRecord({ stepStartedAt: now + 5 })], now)[0]?.ageSeconds).toBe(0);
  });
});
