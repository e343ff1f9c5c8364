// What the reconciler's sweep of the Auto Scaling groups means for one instance: Auto Scaling sends its
// lifecycle events best effort (aws-facts 1.1), so an instance waiting on a hook, or running, with no
// matching record is served from what DescribeAutoScalingInstances says. A table in data, pure.
import type { HostRecord, Status } from './types';

/** What the sweep starts for an instance; undefined: nothing, the record already serves its state. */
export type SweepMove =
  | 'launch' // Pending:Wait with no launch open: run the launch, complete by instance id
  | 'launchToPool' // Warmed:Pending:Wait for a new (or new-generation) instance: prepare it for the warm pool
  | 'terminate' // Terminating:Wait with no terminate in progress
  | 'terminateToPool' // Warmed:Pending:Wait for a serving host: it is returning to the warm pool (aws-facts 1.3)
  | 'adopt'; // InService with no record: a host that predates gmsa-ready, or whose record was lost

/**
 * The lifecycle states the sweep acts on (AutoScalingInstanceDetails.LifecycleState). `ReplacingRootVolume:Wait`
 * is left to its events: the state does not say whether the terminate or the launch half of the replacement
 * waits, and guessing wrong would retire a live identity.
 */
export const SWEPT_STATES: ReadonlySet<string> = new Set([
  'Pending:Wait',
  'Warmed:Pending:Wait',
  'Terminating:Wait',
  'Warmed:Terminating:Wait',
  'InService',
]);

/** Waits of an instance on its way out: a terminate hook holds it. */
const TERMINATING_WAITS: ReadonlySet<string> = new Set(['Terminating:Wait', 'Warmed:Terminating:Wait']);

/** Records whose workflow is running: the sweep leaves them to it (their own ticks, heartbeats and deadlines). */
const OPEN: readonly Status[] = ['LAUNCHING', 'TERMINATING', 'CLEANUP_PENDING', 'ADOPTING'];

/**
 * DescribeAutoScalingInstances is eventually consistent: right after we complete an action it can still show the
 * wait state. A record that finished an action this recently is not started again.
 */
export const SETTLE_SECONDS = 300;

/** Statuses in which a host serves (or served) in its group: a Warmed:Pending:Wait for it is a return to the pool. */
const IN_SERVICE: readonly Status[] = [
  'READY',
  'FAILED',
  'ADOPTED_NOT_JOINED',
  'ADOPTED_NOT_IN_GROUP',
  'ADOPTED_NOT_VERIFIED',
];

export function sweepMove(record: HostRecord | undefined, state: string, at: number): SweepMove | undefined {
  if (!SWEPT_STATES.has(state)) return undefined;
  if (!record) {
    if (state === 'Pending:Wait') return 'launch';
    if (state === 'Warmed:Pending:Wait') return 'launchToPool';
    if (state === 'InService') return 'adopt';
    return 'terminate';
  }
  // A scale-in while the launch still runs, whose terminate event was lost: the launch action is gone (Auto
  // Scaling moved the instance on), so only the terminate can end; left to the launch, its hook would time out
  // (DefaultResult ABANDON; CHAOS_SEED=20260101, run 33 of 200). beginTerminate cancels the launch.
  if (record.status === 'LAUNCHING' && TERMINATING_WAITS.has(state)) return 'terminate';
  if (OPEN.includes(record.status)) return undefined;
  const settledAt = record.lifecycle?.completedAt ?? record.updatedAt;
  if (at - settledAt < SETTLE_SECONDS) return undefined;
  const retired = record.status === 'TERMINATED';
  switch (state) {
    case 'Pending:Wait':
      // From the warm pool, or a new generation. A READY host in Pending:Wait waits on someone else's hook.
      return record.status === 'WARMED' || retired ? 'launch' : undefined;
    case 'Warmed:Pending:Wait':
      if (retired) return 'launchToPool';
      return IN_SERVICE.includes(record.status) ? 'terminateToPool' : undefined;
    case 'Terminating:Wait':
    case 'Warmed:Terminating:Wait':
      return retired ? undefined : 'terminate';
    case 'InService':
      // A retired record for a running instance: a new generation whose launch was never seen.
      return retired ? 'adopt' : undefined;
  }
  return undefined;
}
