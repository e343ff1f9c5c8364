// The terminate workflow: drain → deauthorize → complete CONTINUE. Scale-in is never held hostage:
// a cleanup that fails still completes the action on time and keeps retrying as CLEANUP_PENDING.
// A terminate action is never ABANDONed: that would stop the other hooks (ECS managed draining).

import { joinUnsettled, settleJoin, trackOpenJoin } from './cancelled-join';
import { follow, groupChangeEffect, request } from './commands';
import { type Decision, lifecycleOpen } from './context';
import { COMMAND_SIGNALS, COMPLETE_SIGNALS, consumes, plan, type Row, type Table } from './table';
import { COMMAND_CHECK_AFTER, cleanupBackoff, POLL_SECONDS, STEP_DEADLINE, spreadDelay } from './timing';
import type { Signal, Step } from './types';

/** A drain past the fleet's drainTimeoutSeconds gets this long for the last status to come in. */
const DRAIN_SETTLE_SECONDS = 300;

/**
 * Terminate as a table: for each step, the signals it consumes besides ticks, the step that follows, its
 * deadline, how it starts and its named handler. News of a cancelled launch's join is taken in every step
 * (trackOpenJoin); the deauthorize step acts on it. docs/state-machine.md is drawn from this table.
 */
export const TERMINATE = {
  drain: {
    consumes: [
      'drainStatus',
      'done:deleteReadyAttribute',
      'done:drain',
      'failed:deleteReadyAttribute',
      'failed:drain',
      'failed:inspectDrain',
    ],
    next: 'deauthorize',
    deadline: 'drain',
    start: startDrain,
    on: onDrain,
    exits: [
      { to: 'complete', when: 'back to the warm pool, or nothing to clean' },
      { to: 'done', status: 'TERMINATED', when: 'nothing to clean, action already finished' },
    ],
  },
  deauthorize: {
    consumes: [...COMMAND_SIGNALS, 'agent'],
    next: 'complete',
    deadline: STEP_DEADLINE.deauthorize,
    start: startDeauthorize,
    on: onDeauthorize,
    exits: [
      { to: 'complete', when: 'fails or passes its deadline: complete anyway' },
      { to: 'done', status: 'TERMINATED', when: 'removed, action already finished' },
      { to: 'done', status: 'FAILED', when: "removed a failed launch's membership; the host stays in service" },
      { to: 'done', status: 'FAILED', when: "a failed launch's host is gone and clean, action already finished" },
      { to: 'deauthorize', status: 'CLEANUP_PENDING', when: 'fails after the action finished: back off, retry' },
    ],
  },
  complete: {
    consumes: COMPLETE_SIGNALS,
    next: 'done',
    deadline: STEP_DEADLINE.complete,
    start: startComplete,
    on: onComplete,
    exits: [
      { to: 'done', status: 'TERMINATED', when: 'completed CONTINUE, directory clean' },
      { to: 'done', status: 'WARMED', when: 'completed, back in the warm pool' },
      { to: 'done', status: 'FAILED', when: "completed; a failed launch's host is gone and clean" },
      { to: 'deauthorize', status: 'CLEANUP_PENDING', when: 'completed, cleanup still to do' },
    ],
  },
} as const satisfies Table<TerminateStep>;

export type TerminateStep = Extract<Step, 'drain' | 'deauthorize' | 'complete'>;

/** The terminate in one line: drain → deauthorize → complete. */
export const TERMINATE_PLAN: TerminateStep[] = plan(TERMINATE, 'drain');

/** Starts the step after `from` in TERMINATE_PLAN. */
function proceed(d: Decision, from: TerminateStep, detail: string): void {
  const next = TERMINATE[from].next;
  if (next !== 'done') TERMINATE[next].start(d, detail);
}

/** Moves into a terminate step under the record's current status (TERMINATING or CLEANUP_PENDING). */
function enter(d: Decision, step: TerminateStep, detail: string): void {
  d.moveTo({ status: d.record.status, step }, detail);
}

function returningToPool(d: Decision): boolean {
  const lifecycle = d.record.lifecycle;
  return lifecycle?.transition === 'terminate' && lifecycle.destination === 'WarmPool';
}

/**
 * The directory still holds something of this host that terminate must remove. An account is deleted only
 * when the record proved it its own (identity from resolve, issue 13): a name alone is never evidence enough.
 */
function needsCleanup(d: Decision): boolean {
  const { record, fleet } = d;
  if (fleet.mode !== 'domain-joined' || record.computerName === undefined) return false;
  return record.inGroup || (record.joined && fleet.deleteComputerAccount && record.identity !== undefined);
}

/** Why terminate leaves the directory alone, for the record's history ('' when that needs no word). */
function untouchedBecause(d: Decision): string {
  const { record, fleet } = d;
  if (record.joined && !record.computerName) return '; no computer name was recorded, directory left untouched';
  if (record.joined && fleet.mode === 'domain-joined' && fleet.deleteComputerAccount && !record.identity)
    return `; ${record.computerName}$ was never proven this host's, so it is not deleted`;
  return '';
}

/** A terminate lifecycle action begins: into drain. */
export function startTerminate(d: Decision, detail: string): void {
  d.moveTo({ status: 'TERMINATING', step: 'drain', reason: null }, detail);
  actDrain(d);
}

function startDrain(d: Decision, detail: string): void {
  enter(d, 'drain', detail);
  actDrain(d);
}

/** Drain in order: the ready attribute goes first (no new gMSA placements), then DRAINING, then watch the tasks leave. */
function actDrain(d: Decision): void {
  const { record, fleet } = d;
  const arn = record.containerInstanceArn;
  if (arn && record.ready) {
    d.emit({
      type: 'deleteReadyAttribute',
      cluster: fleet.cluster,
      containerInstanceArn: arn,
      name: fleet.readyAttribute,
    });
  } else if (arn && !record.draining) {
    d.emit({ type: 'drain', cluster: fleet.cluster, containerInstanceArn: arn });
  } else {
    d.emit({ type: 'inspectDrain', cluster: fleet.cluster, instanceId: record.instanceId, containerInstanceArn: arn });
  }
  d.checkAt(POLL_SECONDS.drain * 4);
}

function drained(d: Decision, detail: string): void {
  const { record } = d;
  record.reason = null;
  if (record.standaloneTasks)
    d.log(
      'warn',
      `${record.standaloneTasks} standalone task(s) still running: ECS does not drain tasks outside services`,
      {
        standaloneTasks: record.standaloneTasks,
      },
    );
  // A host going back to the warm pool keeps its membership: deauthorize is skipped.
  if (returningToPool(d))
    return proceed(d, 'deauthorize', `${detail}; returning to the warm pool with membership kept`);
  proceed(d, 'drain', detail);
}

function startDeauthorize(d: Decision, detail: string): void {
  if (joinUnsettled(d)) {
    enter(d, 'deauthorize', `${detail}; waiting for the cancelled launch's join to settle`);
    return settleJoin(d, { type: 'tick', at: d.at }, (detail) => startDeauthorize(d, detail));
  }
  if (d.record.unconfirmed?.purpose === 'undo') {
    enter(d, 'deauthorize', `${detail}; the cancelled launch's undo is still out: its outcome first`);
    return followUnconfirmed(d);
  }
  if (!needsCleanup(d)) return afterDeauthorize(d, `${detail}${untouchedBecause(d)}`);
  enter(d, 'deauthorize', detail);
  requestDeauthorize(d);
}

/** Deauthorize is done (or had nothing to do): complete the action if it is still open, else the host is gone. */
function afterDeauthorize(d: Decision, detail: string): void {
  if (lifecycleOpen(d)) proceed(d, 'deauthorize', detail);
  else terminated(d, detail);
}

/** A retry first asks about a removal whose outcome was never learned; only a known failure sends another. */
function retryCleanup(d: Decision): void {
  if (!d.record.unconfirmed?.commandId) {
    d.record.unconfirmed = undefined;
    return requestDeauthorize(d);
  }
  followUnconfirmed(d);
}

/**
 * Waits on the removal whose outcome was never learned (a deauthorize past its deadline, or the undo a terminate
 * overtook) as the step's own command: asked about when its id is known, else followed until it is sent or
 * found lost (commands.ts), so no second removal goes out while the first may still run.
 */
function followUnconfirmed(d: Decision): void {
  const { record } = d;
  const last = record.unconfirmed;
  record.unconfirmed = undefined;
  if (!last) return;
  record.pending = last;
  if (last.commandId)
    d.emit({ type: 'getCommandInvocation', commandId: last.commandId, instanceId: last.targetInstanceId });
  d.checkAt(COMMAND_CHECK_AFTER);
}

/**
 * A launch that failed with CONTINUE leaves its host in service: its cleanup only takes the membership back
 * (undo) and must not delete the account of a live host. Every other cleanup is a deauthorize.
 */
function cleanupPurpose(d: Decision): 'undo' | 'deauthorize' {
  const { record } = d;
  const kept = record.lifecycle?.transition === 'launch' && record.lifecycle.result === 'CONTINUE';
  return record.failedStep && kept && record.terminatedAt === undefined ? 'undo' : 'deauthorize';
}

function requestDeauthorize(d: Decision): void {
  const purpose = cleanupPurpose(d);
  request(d, purpose, d.fleet.managementInstanceId ?? '', groupChangeEffect(d, 'remove', purpose));
}

function startComplete(d: Decision, detail: string): void {
  enter(d, 'complete', detail);
  actComplete(d);
}

function actComplete(d: Decision): void {
  const { record } = d;
  const lifecycle = record.lifecycle;
  if (!lifecycle) return;
  d.emit({
    type: 'completeLifecycleAction',
    autoScalingGroupName: lifecycle.autoScalingGroupName,
    hookName: lifecycle.hookName,
    token: lifecycle.token,
    instanceId: record.instanceId,
    result: 'CONTINUE',
  });
  d.checkAt(POLL_SECONDS.retry);
}

function completed(d: Decision, result: 'CONTINUE' | 'EXPIRED'): void {
  const { record } = d;
  if (record.lifecycle) {
    record.lifecycle.result = result;
    record.lifecycle.completedAt = d.at;
  }
  if (returningToPool(d)) {
    record.nextCheckAt = undefined;
    return d.moveTo({ status: 'WARMED', step: 'done', reason: null }, 'back in the warm pool');
  }
  if (needsCleanup(d)) return cleanupPending(d);
  terminated(d, result === 'EXPIRED' ? 'lifecycle action was already finished' : 'lifecycle action completed CONTINUE');
}

/**
 * The host is gone and the directory clean. A launch that failed and whose instance then vanished (ABANDON
 * terminates it) stays FAILED with its reason: that is its story. Everything else ends TERMINATED.
 */
function terminated(d: Decision, detail: string): void {
  const { record } = d;
  record.nextCheckAt = undefined;
  record.ready = false;
  record.terminatedAt = d.at;
  const failedLaunch = record.failedStep !== undefined && record.lifecycle?.transition === 'launch';
  if (failedLaunch) d.moveTo({ status: 'FAILED', step: 'done' }, detail);
  else d.moveTo({ status: 'TERMINATED', step: 'done', reason: null }, detail);
  d.metric('TerminationDone', 1);
}

/** Cleanup failed: complete the action if still open, then retry with backoff as CLEANUP_PENDING. */
function cleanupFailed(d: Decision, message: string): void {
  const { record } = d;
  record.pending = undefined;
  record.cleanupAttempts += 1;
  d.metric('CleanupFailed', 1);
  d.log('error', `directory cleanup failed: ${message}`, { reason: message, attempts: record.cleanupAttempts });
  record.reason = `deauthorize: ${message}`;
  if (lifecycleOpen(d)) return startComplete(d, `deauthorize failed (${message}); completing the action anyway`);
  cleanupPending(d);
}

function cleanupPending(d: Decision): void {
  const { record } = d;
  const delay = cleanupBackoff(Math.max(1, record.cleanupAttempts));
  record.cleanupSince ??= d.at;
  d.moveTo(
    { status: 'CLEANUP_PENDING', step: 'deauthorize', reason: record.reason ?? 'deauthorize: not yet confirmed' },
    `cleanup pending; next attempt in ${Math.round(delay / 60)} min`,
  );
  d.checkAt(delay);
}

// ---------------------------------------------------------------- signals, by step

/** Everything that can happen to a TERMINATING or CLEANUP_PENDING record, apart from lifecycle events. */
export function onTerminateSignal(d: Decision, signal: Signal): void {
  const step = d.record.step;
  // News of a cancelled launch's join can come in any step; the deauthorize step acts on it.
  if (step !== 'deauthorize' && trackOpenJoin(d, signal)) return;
  if (!(step in TERMINATE)) return;
  const row: Row = TERMINATE[step as TerminateStep];
  if (consumes(row, signal)) row.on(d, signal);
}

function onDeauthorize(d: Decision, signal: Signal): void {
  if (joinUnsettled(d)) return settleJoin(d, signal, (detail) => startDeauthorize(d, detail));
  if (d.record.status === 'CLEANUP_PENDING' && onBackoff(d, signal)) return;
  if (signal.type === 'tick' && overdue(d)) return deauthorizeOverdue(d);
  followRemoval(d, signal);
}

/**
 * CLEANUP_PENDING between attempts: after the action completed, a removal that cannot even be sent
 * (management host stopped, throttled) backs off like any failed cleanup instead of retrying every 30 s,
 * and nothing but the backoff's own tick starts the next attempt. True when the signal was dealt with.
 */
function onBackoff(d: Decision, signal: Signal): boolean {
  const { record } = d;
  if (signal.type === 'failed' && (signal.effect === 'enqueueGroupChange' || signal.effect === 'sendCommand')) {
    cleanupFailed(d, signal.message);
    return true;
  }
  if (record.pending !== undefined) return false;
  if (signal.type === 'tick' && d.at >= (record.nextCheckAt ?? 0)) retryCleanup(d);
  return true;
}

/** A TERMINATING removal past its deadline: scale-in is not held for it (CLEANUP_PENDING retries later). */
function overdue(d: Decision): boolean {
  return d.record.status === 'TERMINATING' && d.elapsedInStep() > TERMINATE.deauthorize.deadline;
}

function deauthorizeOverdue(d: Decision): void {
  const { record } = d;
  if (record.pending?.commandId) record.unconfirmed = record.pending;
  cleanupFailed(d, 'no result in time');
}

/** The removal command's life: sent, reported, lost. */
function followRemoval(d: Decision, signal: Signal): void {
  const { record } = d;
  const outcome = follow(d, signal, () => requestDeauthorize(d));
  if (outcome.kind === 'success' && outcome.report) {
    // The recorded object is gone; whoever holds the name now was left alone. Tell people.
    d.log('warn', `${record.computerName}$: ${outcome.report}`, { objectSid: record.identity?.objectSid });
    d.note(`${record.computerName}$: ${outcome.report}`);
  }
  const undo = record.pending?.purpose === 'undo';
  if (outcome.kind === 'success' && undo && cleanupPurpose(d) === 'undo') return keptInService(d);
  if (outcome.kind === 'success' && undo) return undoneBeforeTerminate(d);
  if (outcome.kind === 'failure' && undo && cleanupPurpose(d) === 'deauthorize') {
    // The overtaken undo did not remove the membership: terminate's own removal may go out now.
    record.pending = undefined;
    return requestDeauthorize(d);
  }
  if (outcome.kind === 'success') return removed(d);
  if (outcome.kind === 'failure') return cleanupFailed(d, outcome.message);
  if (signal.type === 'tick' && !record.pending) requestDeauthorize(d);
}

/** A failed launch's host stays in service (CONTINUE): its membership is gone, its account stays. */
function keptInService(d: Decision): void {
  const { record, fleet } = d;
  record.inGroup = false;
  record.nextCheckAt = undefined;
  d.moveTo(
    { status: 'FAILED', step: 'done' },
    `${record.computerName}$ removed from ${fleet.hostGroup}; the host stays in service`,
  );
}

/** The undo a terminate overtook did remove the membership: only the account may be left to delete. */
function undoneBeforeTerminate(d: Decision): void {
  const { record, fleet } = d;
  record.inGroup = false;
  record.pending = undefined;
  startDeauthorize(d, `${record.computerName}$ removed from ${fleet.hostGroup} by the cancelled launch's undo`);
}

function removed(d: Decision): void {
  const { record, fleet } = d;
  record.inGroup = false;
  if (fleet.deleteComputerAccount && record.identity) record.joined = false;
  if (!record.failedStep) record.reason = null; // a failed launch keeps why it failed
  const what = fleet.deleteComputerAccount ? ' and its computer account deleted' : '';
  afterDeauthorize(d, `${record.computerName}$ removed from ${fleet.hostGroup}${what}`);
}

function onComplete(d: Decision, signal: Signal): void {
  if (signal.type === 'done' && signal.effect === 'completeLifecycleAction') return completed(d, 'CONTINUE');
  if (signal.type === 'actionGone' && signal.effect === 'completeLifecycleAction') return completed(d, 'EXPIRED');
  if (signal.type === 'failed' && signal.effect === 'completeLifecycleAction') {
    if (signal.kind === 'retryable' && d.elapsedInStep() < TERMINATE.complete.deadline)
      return d.wakeIn(spreadDelay(d.record.instanceId, d.at, POLL_SECONDS.retry));
    d.log('error', `CompleteLifecycleAction refused: ${signal.message}`);
    return completed(d, 'EXPIRED');
  }
  if (signal.type === 'tick') actComplete(d);
}

function onDrain(d: Decision, signal: Signal): void {
  const { record, fleet } = d;
  if (signal.type === 'tick') {
    if (d.elapsedInStep() > fleet.drainTimeoutSeconds + DRAIN_SETTLE_SECONDS)
      return drained(d, 'drain did not settle in time');
    return actDrain(d);
  }
  if (signal.type === 'done' && (signal.effect === 'deleteReadyAttribute' || signal.effect === 'drain')) {
    if (signal.effect === 'deleteReadyAttribute') {
      record.ready = false;
      d.note(`${fleet.readyAttribute} removed`);
    } else {
      record.draining = true;
      d.note('container instance DRAINING');
    }
    return actDrain(d);
  }
  if (
    signal.type === 'failed' &&
    (signal.effect === 'deleteReadyAttribute' || signal.effect === 'drain' || signal.effect === 'inspectDrain')
  ) {
    if (signal.kind === 'retryable') return d.wakeIn(POLL_SECONDS.retry);
    // Nothing left to drain (deregistered) or not drainable (not ACTIVE): carry on with what we have.
    d.note(`${signal.effect} skipped: ${signal.message}`);
    if (signal.effect === 'deleteReadyAttribute') record.ready = false;
    if (signal.effect === 'drain') record.draining = true;
    return signal.effect === 'inspectDrain' ? drained(d, 'container instance not inspectable') : actDrain(d);
  }
  if (signal.type !== 'drainStatus') return;
  const ci = signal.containerInstance;
  record.standaloneTasks = signal.standaloneTasks;
  if (!ci) return drained(d, 'no container instance registered');
  record.containerInstanceArn = ci.arn;
  // DRAINING seen (the drain's own answer, or another hand's): no drain to ask for.
  if (ci.status === 'DRAINING' && !record.draining) {
    record.draining = true;
    d.note('container instance DRAINING');
  }
  if (ci.attributes.includes(fleet.readyAttribute) && !record.ready) {
    record.ready = true;
    return actDrain(d);
  }
  if (ci.status === 'ACTIVE' && !record.draining) return actDrain(d);
  const serviceTasks = ci.runningTasks - signal.standaloneTasks;
  if (serviceTasks <= 0) return drained(d, `drained (${ci.runningTasks} task(s) left, all standalone)`);
  if (d.elapsedInStep() > fleet.drainTimeoutSeconds)
    return drained(d, `drain deadline passed with ${serviceTasks} service task(s) still running`);
  record.reason = `waiting: ${serviceTasks} service task(s) still running`;
  d.wakeIn(POLL_SECONDS.drain);
}
