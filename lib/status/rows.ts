// One row per host for `status` listings: what it is, where it is and for how long.
import type { HostRecord, Status } from '../workflow/types';
import { isInFlight, statusOrder } from './statuses';

export interface StatusRow {
  instanceId: string;
  fleet: string;
  /** The NetBIOS name the join produced; '' until known. */
  computerName: string;
  status: Status;
  /** The current step for in-flight statuses; '' for settled ones (their step is history only). */
  step: string;
  /** In flight: time in the current step. Settled: time since the record last changed. */
  ageSeconds: number;
  reason: string;
}

export function statusRows(records: readonly HostRecord[], now: number): StatusRow[] {
  return records
    .map((record) => {
      const inFlight = isInFlight(record.status);
      return {
        instanceId: record.instanceId,
        fleet: record.fleet,
        computerName: record.computerName ?? '',
        status: record.status,
        step: inFlight ? record.step : '',
        ageSeconds: Math.max(0, now - (inFlight ? record.stepStartedAt : record.updatedAt)),
        reason: record.reason ?? '',
      };
    })
    .sort(
      (a, b) =>
        a.fleet.localeCompare(b.fleet) ||
        statusOrder(a.status) - statusOrder(b.status) ||
        a.instanceId.localeCompare(b.instanceId),
    );
}
