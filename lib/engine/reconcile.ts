// The scheduled safety net: ticks in-flight records that are due (lost events, heartbeats, deadlines),
// finds hosts that vanished without a terminate event, and publishes the fleet gauges. Each run reads a
// bounded number of pages and remembers where it stopped, so a backlog never outgrows the Lambda timeout:
// ticks read at most 10 pages of 100 per in-flight status, the vanish check 1 page per watched status, and
// the exact gauge count at most 50 pages of 1,000 (lib/engine/gauge-count.ts).

import type { GroupInstancePage } from '../aws/autoscaling';
import { dueRecords, GONE_STATES, VANISH_GRACE_SECONDS } from '../workflow/gauges';
import { type HostRecord, IN_FLIGHT, type Status } from '../workflow/types';
import { deliver, type EngineDeps } from './engine';
import { countGauges } from './gauge-count';
import { type SweepSummary, sweep } from './sweep';

export interface ReconcileOptions {
  /** Looks up EC2 states (id → state name, 'gone' when EC2 no longer knows it). */
  instanceStates: (instanceIds: string[]) => Promise<Map<string, string>>;
  pageSize?: number;
  /** Pages read per in-flight status per run. */
  pagesPerStatus?: number;
  /** Ticks delivered per run. */
  maxTicks?: number;
  /** One page of the Region's Auto Scaling instances: the sweep serves what lost its lifecycle event (sweep.ts). */
  groupInstances?: (nextToken?: string) => Promise<GroupInstancePage>;
}

export interface ReconcileSummary {
  inFlight: number;
  ticked: number;
  vanished: string[];
  errors: number;
  /** The sweep of the Auto Scaling groups, when the run had one. */
  sweep?: SweepSummary;
}

/** Statuses whose hosts may still hold directory state while EC2 has already let them go. */
const WATCHED: Status[] = [
  'READY',
  'FAILED',
  'WARMED',
  'LAUNCHING',
  'CLEANUP_PENDING',
  'ADOPTING',
  'ADOPTED_NOT_JOINED',
  'ADOPTED_NOT_IN_GROUP',
  'ADOPTED_NOT_VERIFIED',
];

export async function reconcile(deps: EngineDeps, options: ReconcileOptions): Promise<ReconcileSummary> {
  const pageSize = options.pageSize ?? 100;
  const summary: ReconcileSummary = { inFlight: 0, ticked: 0, vanished: [], errors: 0 };
  const inFlight: HostRecord[] = [];
  for (const status of IN_FLIGHT)
    inFlight.push(...(await readPages(deps, `inflight-${status}`, status, pageSize, options.pagesPerStatus ?? 10)));
  summary.inFlight = inFlight.length;

  for (const record of dueRecords(inFlight, deps.now(), options.maxTicks ?? 200)) {
    await guarded(deps, summary, record.instanceId, async () => {
      await deliver(deps, record.instanceId, { type: 'tick', at: deps.now() });
      summary.ticked += 1;
    });
  }

  const watched: HostRecord[] = [];
  for (const status of WATCHED) watched.push(...(await readPages(deps, `vanish-${status}`, status, pageSize, 1)));
  const candidates = watched.filter(
    (r) => r.terminatedAt === undefined && deps.now() - r.createdAt > VANISH_GRACE_SECONDS,
  );
  const states = candidates.length > 0 ? await lookUpStates(deps, options, candidates, summary) : undefined;
  for (const record of states ? candidates : []) {
    const state = states?.get(record.instanceId) ?? 'gone';
    if (!GONE_STATES.has(state)) continue;
    await guarded(deps, summary, record.instanceId, async () => {
      await deliver(deps, record.instanceId, { type: 'instanceGone', at: deps.now(), state });
      summary.vanished.push(record.instanceId);
    });
  }

  if (options.groupInstances) summary.sweep = await sweep(deps, { describe: options.groupInstances });
  const data = await countGauges(deps).catch((error: unknown) => {
    summary.errors += 1;
    deps.telemetry.log('warn', 'could not count the records for the gauges; the next run counts again', {
      error: String(error),
    });
    return undefined;
  });
  for (const datum of data ?? []) deps.telemetry.metric(datum);
  return summary;
}

/** EC2's view of the candidates, or undefined when EC2 could not say: then nobody is judged gone this run. */
async function lookUpStates(
  deps: EngineDeps,
  options: ReconcileOptions,
  candidates: HostRecord[],
  summary: ReconcileSummary,
): Promise<Map<string, string> | undefined> {
  try {
    return await options.instanceStates(candidates.map((r) => r.instanceId));
  } catch (error) {
    summary.errors += 1;
    deps.telemetry.log('warn', 'could not read instance states; vanished hosts are checked next run', {
      error: String(error),
    });
    return undefined;
  }
}

/** Reads up to `pages` pages of a status from where the last run stopped; wraps to the start at the end. */
async function readPages(
  deps: EngineDeps,
  marker: string,
  status: Status,
  limit: number,
  pages: number,
): Promise<HostRecord[]> {
  const records: HostRecord[] = [];
  const saved = await deps.store.getMarker(marker);
  let cursor = saved;
  for (let page = 0; page < pages; page++) {
    const result = await deps.store.listByStatus(status, { limit, cursor });
    records.push(...result.items);
    cursor = result.cursor;
    if (!cursor) break;
  }
  // A scan that fits in one run ends where it began (no bookmark): writing that again every run is a wasted write.
  if (cursor !== saved) await deps.store.putMarker(marker, cursor);
  return records;
}

/** One host's trouble must not stop the run for the others. */
async function guarded(
  deps: EngineDeps,
  summary: ReconcileSummary,
  instanceId: string,
  work: () => Promise<void>,
): Promise<void> {
  try {
    await work();
  } catch (error) {
    summary.errors += 1;
    deps.telemetry.log('error', 'reconciler could not advance a host', { instanceId, error: String(error) });
  }
}
