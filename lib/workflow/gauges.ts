// What the reconciler reports on every run, computed from the records it read: hosts in flight per
// step, pending cleanups and their age, hosts in flight longer than their hook's heartbeat timeout.
// Every configured fleet gets a value (zero included) so alarms always have data.
import type { Config } from '../config/schema';
import type { HostRecord, MetricDatum } from './types';

export function gauges(config: Config, records: readonly HostRecord[], now: number): MetricDatum[] {
  const data: MetricDatum[] = [];
  for (const fleet of config.fleets) {
    const mine = records.filter((r) => r.fleet === fleet.name);
    const inFlight = mine.filter((r) => r.status === 'LAUNCHING' || r.status === 'TERMINATING');
    const bySteps = new Map<string, number>();
    for (const r of inFlight) bySteps.set(r.step, (bySteps.get(r.step) ?? 0) + 1);
    for (const [step, count] of bySteps)
      data.push({ name: 'InFlight', unit: 'Count', value: count, dimensions: { Fleet: fleet.name, Step: step } });
    const pending = mine.filter((r) => r.status === 'CLEANUP_PENDING');
    const oldest = Math.max(0, ...pending.map((r) => now - (r.cleanupSince ?? r.updatedAt)));
    const overdue = inFlight.filter(
      (r) => now - (r.lifecycle?.startedAt ?? r.createdAt) > fleet.heartbeatTimeoutSeconds,
    );
    const dims = { Fleet: fleet.name };
    data.push({ name: 'CleanupsPending', unit: 'Count', value: pending.length, dimensions: dims });
    data.push({ name: 'OldestCleanupPendingSeconds', unit: 'Seconds', value: Math.round(oldest), dimensions: dims });
    data.push({ name: 'InFlightOverdue', unit: 'Count', value: overdue.length, dimensions: dims });
  }
  return data;
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
