// What the reconciler reports on every count: hosts in flight per step, failed hosts, pending cleanups and
// their age, hosts in flight longer than their hook's heartbeat timeout. Records are tallied a page at a time
// (lib/engine/gauge-count.ts reads every record of the counted statuses), so the gauges are exact at any count.
// Every configured fleet gets a value (zero included) so alarms always have data.
import type { Config } from '../config/schema';
import type { HostRecord, MetricDatum, Status } from './types';

/** The statuses the gauges count, every record of each. */
export const GAUGED: readonly Status[] = ['LAUNCHING', 'TERMINATING', 'CLEANUP_PENDING', 'FAILED'];

/** Running counts per fleet. */
export interface FleetTally {
  inFlight: Record<string, number>;
  pending: number;
  oldestPendingSeconds: number;
  overdue: number;
  failed: number;
}
export type Tally = Record<string, FleetTally>;

const empty = (): FleetTally => ({ inFlight: {}, pending: 0, oldestPendingSeconds: 0, overdue: 0, failed: 0 });

/** Adds a page of records to the tally (a new tally; records of fleets the config no longer has are skipped). */
export function tallyRecords(tally: Tally, config: Config, records: readonly HostRecord[], now: number): Tally {
  const next: Tally = structuredClone(tally);
  for (const r of records) {
    const fleet = config.fleets.find((f) => f.name === r.fleet);
    if (!fleet) continue;
    const t = next[fleet.name] ?? empty();
    next[fleet.name] = t;
    if (r.status === 'FAILED') t.failed += 1;
    if (r.status === 'CLEANUP_PENDING') {
      t.pending += 1;
      t.oldestPendingSeconds = Math.max(t.oldestPendingSeconds, now - (r.cleanupSince ?? r.updatedAt));
    }
    if (r.status !== 'LAUNCHING' && r.status !== 'TERMINATING') continue;
    t.inFlight[r.step] = (t.inFlight[r.step] ?? 0) + 1;
    if (now - (r.lifecycle?.startedAt ?? r.createdAt) > fleet.heartbeatTimeoutSeconds) t.overdue += 1;
  }
  return next;
}

export function gaugesFromTally(config: Config, tally: Tally): MetricDatum[] {
  const data: MetricDatum[] = [];
  for (const fleet of config.fleets) {
    const t = tally[fleet.name] ?? empty();
    for (const [step, count] of Object.entries(t.inFlight))
      data.push({ name: 'InFlight', unit: 'Count', value: count, dimensions: { Fleet: fleet.name, Step: step } });
    const dims = { Fleet: fleet.name };
    data.push({ name: 'CleanupsPending', unit: 'Count', value: t.pending, dimensions: dims });
    const oldest = Math.round(Math.max(0, t.oldestPendingSeconds));
    data.push({ name: 'OldestCleanupPendingSeconds', unit: 'Seconds', value: oldest, dimensions: dims });
    data.push({ name: 'InFlightOverdue', unit: 'Count', value: t.overdue, dimensions: dims });
    data.push({ name: 'FailedHosts', unit: 'Count', value: t.failed, dimensions: dims });
  }
  return data;
}

/** The gauges of a set of records read at `now`. */
export function gauges(config: Config, records: readonly HostRecord[], now: number): MetricDatum[] {
  return gaugesFromTally(config, tallyRecords({}, config, records, now));
}

/** Records the reconciler should tick now: in flight and due (or never scheduled), oldest due first. */
export function dueRecords(records: readonly HostRecord[], now: number, limit: number): HostRecord[] {
  return records
    .filter((r) => r.nextCheckAt === undefined || r.nextCheckAt <= now)
    .sort((a, b) => (a.nextCheckAt ?? 0) - (b.nextCheckAt ?? 0))
    .slice(0, limit);
}

/** EC2 states that mean the host is gone for good (stopped hosts may be warm-pool members: not gone). */
export const GONE_STATES = new Set(['terminated', 'shutting-down', 'gone']);

/** A new instance can be missing from DescribeInstances for a short while (eventual consistency). */
export const VANISH_GRACE_SECONDS = 300;
