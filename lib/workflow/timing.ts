// How long the core waits for each step, how often it looks again, and how it backs off.
// All in seconds. Polls are delayed wake messages; the reconciler only catches what they miss.
import type { Step } from './types';

/** Give up on a step this long after it started (drain uses the fleet's drainTimeoutSeconds). */
export const STEP_DEADLINE: Record<Exclude<Step, 'drain' | 'done'>, number> = {
  agent: 900,
  join: 2700, // a Windows join reboots the host; the command reports after the reboot
  identify: 900,
  resolve: 900, // one batched, read-only GroupChange on the management host
  authorize: 900,
  refresh: 900,
  verify: 1200,
  ready: 300,
  complete: 900,
  undo: 900,
  deauthorize: 900,
};

/** Delay before a polling step looks again. */
export const POLL_SECONDS = {
  // On a grid (delayToGrid) and looked at together, one call per 50 waiting hosts and one SendMessageBatch
  // per 10: a look costs a host a fraction of a call, so these can be short.
  agent: 5,
  identify: 20,
  verify: 20,
  drain: 15,
  retry: 30,
} as const;

/**
 * How long past its next wake a polling chain's lease runs (Decision.pollIn): the record is written about
 * once per lease rather than once per poll, and a chain that stops is taken over by the reconciler this much
 * later than it would have been.
 */
export const POLL_LEASE_SECONDS = 60;

/**
 * Delay to the next point of a grid of `period` seconds in absolute time, at least half a period away (so
 * between half and one and a half periods, one on average). Hosts polling with the same period then wake
 * together, arrive in one wake-queue batch and share one DescribeInstanceInformation call (lib/engine/coalesce.ts).
 */
export function delayToGrid(at: number, period: number): number {
  return (Math.floor((at + period / 2) / period) + 1) * period - at;
}

/**
 * A retry delay between `period` and twice it, the same for the same host and moment and spread evenly across
 * hosts: hosts throttled together by a call no host can share (CompleteLifecycleAction) then come back apart
 * instead of meeting the same quota together again. Pure (an FNV-1a hash of the two, not a random draw), so a
 * replayed decision decides the same.
 */
export function spreadDelay(instanceId: string, at: number, period: number): number {
  let hash = 0x811c9dc5;
  for (const char of `${instanceId}@${at}`) hash = Math.imul(hash ^ (char.codePointAt(0) ?? 0), 0x01000193) >>> 0;
  return period + Math.floor((hash / 2 ** 32) * period);
}

/** Without a status event by then, ask GetCommandInvocation. */
export const COMMAND_CHECK_AFTER = 300;
/** A requested command with no SendCommand answer (or still InvocationDoesNotExist) this long is presumed lost. */
export const COMMAND_LOST_AFTER = 180;
/** A directory invocation's claim on a group change lasts its function's timeout (serverless.yml: 120 s). */
export const CLAIM_SECONDS = 120;
/** GetCommandInvocation returns at most this many characters of standard output (aws-facts 4.3). */
export const SSM_OUTPUT_LIMIT = 24_000;
/** How often a lost command is sent again before the step fails. */
export const COMMAND_MAX_ATTEMPTS = 3;

/** Retry delay for directory cleanup after a terminated host: 2, 4, 8 ... minutes, at most an hour. */
export function cleanupBackoff(attempts: number): number {
  return Math.min(120 * 2 ** Math.max(0, attempts - 1), 3600);
}

/**
 * History entries kept on each record, the most recent. A launch and terminate note about 25; every write pays
 * for the whole item twice (table and byStatus index, 1 write unit per KB each), and at 50 entries the history
 * was most of a 4 KB record. Ten cover the current step and the ones before it (docs/status.md).
 */
export const HISTORY_LIMIT = 10;
