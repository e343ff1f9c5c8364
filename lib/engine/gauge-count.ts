// Exact gauges at any fleet size: every record of the gauged statuses is read a page at a time over the byStatus
// index and tallied (nothing is kept but the counts). Bound: at most GAUGE_PAGES_PER_RUN Query pages of at most
// 1,000 records (and 1 MB, DynamoDB's page limit) per reconciler run, i.e. 50,000 gauged records; a count that
// needs more resumes from a bookmark in the next run and the gauges are published when it completes.
import { GAUGED, gaugesFromTally, type Tally, tallyRecords } from '../workflow/gauges';
import type { MetricDatum } from '../workflow/types';
import type { EngineDeps } from './engine';

export const GAUGE_PAGES_PER_RUN = 50;
const RECORDS_PER_PAGE = 1000;
const MARKER = 'gauge-count';

/** Where an unfinished count stopped, and what it counted so far. */
interface CountState {
  /** Index into GAUGED. */
  status: number;
  cursor?: string;
  tally: Tally;
}

/** The gauges when the count finished in this run (the usual case), undefined while it continues next run. */
export async function countGauges(
  deps: EngineDeps,
  pagesPerRun = GAUGE_PAGES_PER_RUN,
): Promise<MetricDatum[] | undefined> {
  const saved = await deps.store.getMarker(MARKER);
  const state: CountState = saved ? (JSON.parse(saved) as CountState) : { status: 0, tally: {} };
  for (let page = 0; page < pagesPerRun; page++) {
    const status = GAUGED[state.status];
    if (!status) break;
    const result = await deps.store.listByStatus(status, { limit: RECORDS_PER_PAGE, cursor: state.cursor });
    state.tally = tallyRecords(state.tally, deps.config, result.items, deps.now());
    state.cursor = result.cursor;
    if (result.cursor) continue;
    state.status += 1;
    if (state.status < GAUGED.length) continue;
    if (saved) await deps.store.putMarker(MARKER, undefined);
    return gaugesFromTally(deps.config, state.tally);
  }
  await deps.store.putMarker(MARKER, JSON.stringify(state));
  return undefined;
}
