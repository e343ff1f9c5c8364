// Per-fleet counts: how many hosts in each status, and where the in-flight ones are.
import type { HostRecord, Status, Step } from '../workflow/types';
import { isInFlight, STATUSES } from './statuses';

export interface FleetSummary {
  fleet: string;
  total: number;
  /** Every status, zero included, so tables have stable columns. */
  byStatus: Record<Status, number>;
  /** In-flight hosts by their current step; steps nobody is on are absent. */
  inFlightByStep: Partial<Record<Step, number>>;
}

export function fleetSummary(records: readonly HostRecord[]): FleetSummary[] {
  const fleets = new Map<string, FleetSummary>();
  for (const record of records) {
    let summary = fleets.get(record.fleet);
    if (!summary) {
      const byStatus = Object.fromEntries(STATUSES.map((status) => [status, 0])) as Record<Status, number>;
      summary = { fleet: record.fleet, total: 0, byStatus, inFlightByStep: {} };
      fleets.set(record.fleet, summary);
    }
    summary.total++;
    summary.byStatus[record.status]++;
    if (isInFlight(record.status)) {
      summary.inFlightByStep[record.step] = (summary.inFlightByStep[record.step] ?? 0) + 1;
    }
  }
  return [...fleets.values()].sort((a, b) => a.fleet.localeCompare(b.fleet));
}
