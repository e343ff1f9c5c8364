// The terminate workflow: drain → deauthorize → complete CONTINUE. Scale-in is never held hostage:
// a cleanup that fails still completes the action on time and keeps retrying as CLEANUP_PENDING.
// A terminate action is never ABANDONed: that would stop the other hooks (ECS managed draining).

import { joinUnsettled, settleJoin, trackOpenJoin } from './cancelled-join';
import { follow, groupChangeEffect, request } from './commands';
import { type Decision, lifecycleOpen } from './context';
import { COMMAND_CHECK_AFTER, cleanupBackoff, POLL_SECONDS, STEP_DEADLINE } from './timing';
import type { Signal } from './types';

function returningToPool(d: Decision): boolean {
  const lifecycle = d.record.lifecycle;
  return lifecycle?.transition === 'terminate' && lifecycle.destination === 'WarmPool';
}

/** The directory still holds something of this host that terminate must remove. */
function needsCleanup(d: Decision): boolean {
  const { record, fleet } = d;
  if (fleet.mode !== 'domain-joined' || record.computerName === undefined) return false;
  return record.inGroup || (record.joined && fleet.deleteComputerAccount);
}

export function startDrain(d: Decision, detail: string): void {
  d.enter('drain', detail);
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
  if (returningToPool(d)) return startComplete(d, `${detail}; returning to the warm pool with membership kept`);
  startDeauthorize(d, detail);
}

export function startDeauthorize(d: Decision, detail: string): void {
  if (joinUnsettled(d)) {
    d.enter('deauthorize', `${detail}; waiting for the cancelled launch's join to settle`);
    return settleJoin(d, { type: 'tick', at: d.at }, (detail) => startDeauthorize(d, detail));
  }
  if (!needsCleanup(d)) {
    const why =
      d.record.joined && !d.record.computerName ? '; no computer name was recorded, directory left untouched' : '';
    return lifecycleOpen(d) ? startComplete(d, `${detail}${why}`) : terminated(d, `${detail}${why}`);
  }
  d.enter('deauthorize', detail);
  requestDeauthorize(d);
}

/** A retry first asks about a removal whose outcome was never learned; only a known failure sends another. */
function retryCleanup(d: Decision): void {
  const { record } = d;
  const last = record.unconfirmed;
  record.unconfirmed = undefined;
  if (!last?.commandId) return requestDeauthorize(d);
  record.pending = last;
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
  d.enter('complete', detail);
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
    d.enter('done', 'back in the warm pool');
    return d.setStatus('WARMED', null);
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
  d.enter('done', detail);
  const failedLaunch = record.failedStep !== undefined && record.lifecycle?.transition === 'launch';
  if (failedLaunch) d.setStatus('FAILED');
  else d.setStatus('TERMINATED', null);
  d.metric('TerminationDone', 1);
}

/** Cleanup failed: complete the action if still open, then retry with backoff as CLEANUP_PENDING. */
function cleanupFailed(d: Decision, message: string): void {
  const { record } = d;
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
  d.enter('deauthorize', `cleanup pending; next attempt in ${Math.round(delay / 60)} min`);
  d.setStatus('CLEANUP_PENDING', record.reason ?? 'deauthorize: not yet confirmed');
  d.checkAt(delay);
}

/** Everything that can happen to a TERMINATING or CLEANUP_PENDING record, apart from lifecycle events. */
export function onTerminateSignal(d: Decision, signal: Signal): void {
  const { record, fleet } = d;
  // News of a cancelled launch's join can come in any step; the deauthorize step acts on it.
  if (record.step !== 'deauthorize' && trackOpenJoin(d, signal)) return;
  switch (record.step) {
    case 'drain':
      return onDrain(d, signal);
    case 'deauthorize': {
      if (joinUnsettled(d)) return settleJoin(d, signal, (detail) => startDeauthorize(d, detail));
      // After the action completed, a removal that cannot even be sent (management host stopped, throttled)
      // backs off like any failed cleanup instead of retrying every 30 s.
      const unsent =
        signal.type === 'failed' && (signal.effect === 'enqueueGroupChange' || signal.effect === 'sendCommand');
      if (record.status === 'CLEANUP_PENDING' && unsent) {
        record.pending = undefined;
        return cleanupFailed(d, signal.message);
      }
      if (record.status === 'CLEANUP_PENDING' && record.pending === undefined) {
        if (signal.type === 'tick' && d.at >= (record.nextCheckAt ?? 0)) retryCleanup(d);
        return;
      }
      if (signal.type === 'tick' && d.elapsedInStep() > STEP_DEADLINE.deauthorize && record.status === 'TERMINATING') {
        if (record.pending?.commandId) record.unconfirmed = record.pending;
        return cleanupFailed(d, 'no result in time');
      }
      const outcome = follow(d, signal, () => requestDeauthorize(d));
      if (outcome.kind === 'success' && record.pending?.purpose === 'undo') {
        record.inGroup = false;
        record.nextCheckAt = undefined;
        d.enter('done', `${record.computerName}$ removed from ${fleet.hostGroup}; the host stays in service`);
        return d.setStatus('FAILED');
      }
      if (outcome.kind === 'success') {
        record.inGroup = false;
        if (fleet.deleteComputerAccount) record.joined = false;
        if (!record.failedStep) record.reason = null; // a failed launch keeps why it failed
        const what = fleet.deleteComputerAccount ? ' and its computer account deleted' : '';
        const detail = `${record.computerName}$ removed from ${fleet.hostGroup}${what}`;
        return lifecycleOpen(d) ? startComplete(d, detail) : terminated(d, detail);
      }
      if (outcome.kind === 'failure') {
        record.pending = undefined;
        return cleanupFailed(d, outcome.message);
      }
      if (signal.type === 'tick' && !record.pending) requestDeauthorize(d);
      return;
    }
    case 'complete':
      if (signal.type === 'done' && signal.effect === 'completeLifecycleAction') return completed(d, 'CONTINUE');
      if (signal.type === 'actionGone' && signal.effect === 'completeLifecycleAction') return completed(d, 'EXPIRED');
      if (signal.type === 'failed' && signal.effect === 'completeLifecycleAction') {
        if (signal.kind === 'retryable' && d.elapsedInStep() < STEP_DEADLINE.complete)
          return d.wakeIn(POLL_SECONDS.retry);
        d.log('error', `CompleteLifecycleAction refused: ${signal.message}`);
        return completed(d, 'EXPIRED');
      }
      if (signal.type === 'tick') actComplete(d);
      return;
  }
}

function onDrain(d: Decision, signal: Signal): void {
  const { record, fleet } = d;
  if (signal.type === 'tick') {
    if (d.elapsedInStep() > fleet.drainTimeoutSeconds + 300) return drained(d, 'drain did not settle in time');
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
