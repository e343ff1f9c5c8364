import { expect, it } from 'vitest';
import { STATUSES } from '../../lib/status/statuses';
import { fleetSummary } from '../../lib/status/summary';
import { bareRecord } from '../store/records';

it('counts hosts per fleet by status, and in-flight hosts by step', () => {
  const summaries = fleetSummary([
    bareRecord({ instanceId: 'i-00000000000000001', fleet: 'web', status: 'READY', step: 'complete' }),
    bareRecord({ instanceId: 'i-00000000000000002', fleet: 'orders', status: 'LAUNCHING', step: 'join' }),
    bareRecord({ instanceId: 'i-00000000000000003', fleet: 'orders', status: 'LAUNCHING', step: 'join' }),
    bareRecord({ instanceId: 'i-00000000000000004', fleet: 'orders', status: 'CLEANUP_PENDING', step: 'deauthorize' }),
    bareRecord({ instanceId: 'i-00000000000000005', fleet: 'orders', status: 'FAILED', step: 'verify' }),
    bareRecord({ instanceId: 'i-00000000000000006', fleet: 'orders', status: 'READY', step: 'complete' }),
  ]);
  expect(summaries).toEqual([
    {
      fleet: 'orders',
      total: 5,
      byStatus: { LAUNCHING: 2, TERMINATING: 0, CLEANUP_PENDING: 1, FAILED: 1, READY: 1, WARMED: 0, TERMINATED: 0 },
      inFlightByStep: { join: 2, deauthorize: 1 },
    },
    {
      fleet: 'web',
      total: 1,
      byStatus: { LAUNCHING: 0, TERMINATING: 0, CLEANUP_PENDING: 0, FAILED: 0, READY: 1, WARMED: 0, TERMINATED: 0 },
      inFlightByStep: {},
    },
  ]);
});

it('is empty for no records', () => {
  expect(fleetSummary([])).toEqual([]);
});

it('lists every status once, in-flight ones first', () => {
  expect(STATUSES).toEqual(['LAUNCHING', 'TERMINATING', 'CLEANUP_PENDING', 'FAILED', 'READY', 'WARMED', 'TERMINATED']);
});
