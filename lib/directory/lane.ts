// Group commit on a management host: a group change goes out at once when its lane has nothing in flight;
// what arrives while a change runs waits on the lane and goes out together when that change ends, or
// PACE_SECONDS after the lane's last send, whichever comes first (issue 16).
// Pure decisions on a Lane value; lib/directory/lane-store.ts reads and writes the lane with the store.
import type { Lane } from '../engine/ports';
import { CLAIM_SECONDS } from '../workflow/timing';
import type { GroupChange } from '../workflow/types';
import { MAX_NAMES } from './batch';

export type LaneEntry = Lane['waiting'][number];

/**
 * A send holds its lane this long at most: a lost status event must not hold it forever. After it, the next
 * arrival or flush takes the lane. It is the claim's lifetime, below COMMAND_LOST_AFTER (180 s), so a host
 * whose change is still waiting when it presumes the change lost finds the lane free for its resend.
 */
export const LANE_LEASE_SECONDS = CLAIM_SECONDS;

/**
 * Under a steady stream a lane sends at most once this often, and nothing waits longer. Waiting for the send
 * in flight alone made each change wait a whole send (1 s to start, 5 s of PowerShell, 0.2 s a name, 1 s for
 * its status event); a deadline from the first change to wait sent a lone change first and then a batch a
 * few seconds later. Measured (docs/performance.md): 5 s gave 36 commands for 100 hosts over 60 s, 6 s gave 33
 * with overhead p90 18.2 s, against 35 and 19.9 s with the 5 s batching window this replaces.
 */
export const PACE_SECONDS = 6;

/**
 * One lane per (management host, purpose): resolve, authorize, undo and deauthorize changes run side by side as
 * they did with the batching window; only changes of one purpose wait for each other.
 */
export function laneKey(change: Pick<GroupChange, 'managementInstanceId' | 'purpose'>): string {
  return `${change.managementInstanceId}#${change.purpose}`;
}

export function emptyLane(key: string): Lane {
  return { key, version: 0, inFlight: {}, waiting: [] };
}

/** The sends whose lease has not run out. */
function live(inFlight: Lane['inFlight'], at: number): Lane['inFlight'] {
  return Object.fromEntries(Object.entries(inFlight).filter(([, until]) => until > at));
}

export function isFree(lane: Lane, at: number): boolean {
  return Object.keys(live(lane.inFlight, at)).length === 0;
}

/** A host waits on a lane once: its newer entry (a newer claim, after a resend) replaces the older. */
function merge(waiting: LaneEntry[], arrivals: LaneEntry[]): LaneEntry[] {
  const byHost = new Map<string, LaneEntry>();
  for (const entry of [...waiting, ...arrivals]) {
    byHost.delete(entry.change.instanceId);
    byHost.set(entry.change.instanceId, entry);
  }
  return [...byHost.values()];
}

export type LaneDecision =
  /** Take the lane (`token` in flight) and send these. */
  | { kind: 'send'; lane: Lane; send: LaneEntry[] }
  /** The arrivals wait on the lane; the first to wait asks for a flush `flushIn` seconds later (the pace). */
  | { kind: 'wait'; lane: Lane; flushIn?: number }
  /** Nothing to send and nothing to record (a flush that found nothing due). */
  | { kind: 'none' };

/**
 * What arrivals (none for a flush) do on the lane. Waiting goes out when the lane is free, when the pace allows
 * the next send, or when a full batch waits: waiting only pays off while a batch can still grow, and it keeps
 * the lane item small (under MAX_NAMES entries plus one invocation's batch).
 */
export function admit(lane: Lane, arrivals: LaneEntry[], at: number, token: string): LaneDecision {
  const inFlight = live(lane.inFlight, at);
  const waiting = merge(lane.waiting, arrivals);
  if (waiting.length === 0) return { kind: 'none' };
  const next = { ...lane, version: lane.version + 1 };
  const nextSendAt = (lane.lastSentAt ?? Number.NEGATIVE_INFINITY) + PACE_SECONDS;
  if (Object.keys(inFlight).length === 0 || nextSendAt <= at || waiting.length >= MAX_NAMES)
    return {
      kind: 'send',
      lane: { ...next, inFlight: { ...inFlight, [token]: at + LANE_LEASE_SECONDS }, waiting: [], lastSentAt: at },
      send: waiting,
    };
  if (arrivals.length === 0) return { kind: 'none' };
  const wait = { kind: 'wait', lane: { ...next, inFlight, waiting } } as const;
  return lane.waiting.length === 0 ? { ...wait, flushIn: nextSendAt - at } : wait;
}

/**
 * A send ended (its status event) or never went out: the lane no longer waits for it. Undefined when there is
 * nothing to write (a duplicate status event, or a lease that already ran out).
 */
export function release(lane: Lane, token: string): Lane | undefined {
  if (!(token in lane.inFlight)) return undefined;
  const { [token]: _ended, ...inFlight } = lane.inFlight;
  return { ...lane, version: lane.version + 1, inFlight };
}

/**
 * A send that SSM throttled (or failed transiently) puts its changes back on the lane, ahead of what arrived
 * since; a newer entry of the same host (its record resent under a newer claim) still wins. The lane lets the
 * token go unless part of its take went out (`sentSome`): that send's status event releases it. The changes keep
 * their claims, so nothing about their hosts is written and no message waits out the directory queue's
 * visibility timeout (720 s, past COMMAND_LOST_AFTER: every host would have searched SSM with ListCommands and
 * resent, which a 1000-host burst measured at 2.5 ListCommands per host).
 */
export function putBack(lane: Lane, token: string, entries: LaneEntry[], sentSome: boolean): Lane {
  const { [token]: _held, ...others } = lane.inFlight;
  const inFlight = sentSome && token in lane.inFlight ? lane.inFlight : others;
  return { ...lane, version: lane.version + 1, inFlight, waiting: merge(entries, lane.waiting) };
}

/** Whoever frees a lane with changes waiting asks for them to be sent (a flush on the directory queue). */
export function flushDue(lane: Lane, at: number): boolean {
  return lane.waiting.length > 0 && isFree(lane, at);
}
