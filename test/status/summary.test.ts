import { expect, it } from 'vitest';
import { STATUSES } from '../../lib/status/statuses';
import { fleetSummary } from '../../lib/status/summary';
import { bareRecord } from '../store/records';

/** Every status at zero. */
const NONE = Object.fromEntries(STATUSES.map((status) => [status, 0]));

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
      byStatus: { ...NONE, LAUNCHING: 2, CLEANUP_PENDING: 1, FAILED: 1, READY: 1 },
      inFlightByStep: { join: 2, deauthorize: 1 },
    },
    {
      fleet: 'web',
      total: 1,
      byStatus: { ...NONE, READY: 1 },
      inFlightByStep: {},
    },
  ]);
});

it('is empty for no records', () => {
  expect(fleetSummary([])).toEqual([]);
});

it('lists every status once, in-flight ones first', () => {
  expect(STATUSES).toEqual([
    'LAUNCHING',
    'ADOPTING',
    'TERMINATING',
    'CLEANUP_PENDING',
    'FAILED',
    'ADOPTED_NOT_JOINED',
    'ADOPTED_NOT_IN_GROUP',
    'ADOPTED_NOT_VERIFIED',
    'READY',
    'WARMED',
    'TERMINATED',
  ]);
});
