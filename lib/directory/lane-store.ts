// Reads, decides and writes a management host's lane with the store's version condition: two directory
// invocations, or a flush and the command-status function, that race on one lane re-read and re-decide.
import { type Lane, type Store, VersionConflictError } from '../engine/ports';
import { admit, emptyLane, flushDue, type LaneEntry, putBack, release } from './lane';

/** Concurrent writers on one lane are a handful of invocations; losing this many races in a row is a fault. */
const ATTEMPTS = 8;

async function onLane<T>(store: Store, key: string, step: (lane: Lane) => { write?: Lane; result: T }): Promise<T> {
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const lane = (await store.getLane(key)) ?? emptyLane(key);
    const { write, result } = step(lane);
    if (!write) return result;
    try {
      await store.putLane(write, lane.version);
      return result;
    } catch (error) {
      if (!(error instanceof VersionConflictError)) throw error;
    }
  }
  throw new Error(`lane ${key}: lost ${ATTEMPTS} write races in a row`);
}

/**
 * Puts arrivals (none for a flush) on the lane. `send`: the changes this caller must now send under `token` (the
 * lane holds it until the send ends or its lease runs out). `flushIn`: the caller asks for a flush this many
 * seconds from now, the waiting changes' deadline.
 */
export function enterLane(
  store: Store,
  key: string,
  arrivals: LaneEntry[],
  at: number,
  token: string,
): Promise<{ send: LaneEntry[]; flushIn?: number }> {
  return onLane<{ send: LaneEntry[]; flushIn?: number }>(store, key, (lane) => {
    const decision = admit(lane, arrivals, at, token);
    if (decision.kind === 'none') return { result: { send: [] } };
    if (decision.kind === 'send') return { write: decision.lane, result: { send: decision.send } };
    return { write: decision.lane, result: { send: [], flushIn: decision.flushIn } };
  });
}

/**
 * The send `token` ended or never went out. Returns true when changes wait on the now free lane: the caller
 * asks for a flush. A repeated release (a duplicate status event) writes nothing and answers the same.
 */
export function releaseLane(store: Store, key: string, token: string, at: number): Promise<boolean> {
  return onLane(store, key, (lane) => {
    const released = release(lane, token);
    return released ? { write: released, result: flushDue(released, at) } : { result: flushDue(lane, at) };
  });
}

/** Throttled changes wait on the lane again (lib/directory/lane.ts putBack); the caller asks for a flush. */
export function returnToLane(
  store: Store,
  key: string,
  token: string,
  entries: LaneEntry[],
  sentSome: boolean,
): Promise<void> {
  return onLane(store, key, (lane) => ({ write: putBack(lane, token, entries, sentSome), result: undefined }));
}
