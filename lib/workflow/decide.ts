// The workflow core's single entry: (record, signal) → (record', effects). Pure and synchronous:
// no SDK, no clock, no I/O. Every rule about a host's life is reachable from here.
import type { Fleet } from '../config/schema';
import { onAdoptSignal, startAdopt } from './adopt';
import { Decision, lifecycleOpen } from './context';
import { openGeneration } from './generation';
import { expireLaunch, onLaunchSignal, startLaunch } from './launch';
import { sweepMove } from './sweep';
import { onTerminateSignal, startTerminate, TERMINATE } from './terminate';
import { POLL_SECONDS } from './timing';
import {
  type Effect,
  type EffectType,
  type HostRecord,
  type LifecycleAction,
  READ_EFFECTS,
  type Signal,
  type Status,
  type Step,
} from './types';

export interface Outcome {
  /** The new record (the previous one, unchanged, when `changed` is false); undefined when none exists. */
  record: HostRecord | undefined;
  /** When `changed` is false, only reads and wakes (a poll that learnt nothing): they need no write. */
  effects: Effect[];
  changed: boolean;
}

type LifecycleSignal = Extract<Signal, { type: 'lifecycle' }>;
type GroupStateSignal = Extract<Signal, { type: 'groupState' }>;
/** The signals that can create a record: a lifecycle event, or the sweep finding an instance nobody recorded. */
type FirstSignal = LifecycleSignal | GroupStateSignal;

export function newRecord(instanceId: string, fleet: Fleet, signal: FirstSignal): HostRecord {
  return {
    instanceId,
    fleet: fleet.name,
    platform: fleet.platform,
    mode: fleet.mode,
    autoScalingGroupName: signal.autoScalingGroupName,
    version: 0,
    status: signal.type === 'lifecycle' && signal.transition === 'terminate' ? 'TERMINATING' : 'LAUNCHING',
    step: 'done',
    stepStartedAt: signal.at,
    attempts: 0,
    joined: false,
    inGroup: false,
    ready: false,
    cleanupAttempts: 0,
    reason: null,
    history: [],
    createdAt: signal.at,
    updatedAt: signal.at,
  };
}

export function decide(previous: HostRecord | undefined, signal: Signal, fleet: Fleet, instanceId: string): Outcome {
  if (!previous && !createsRecord(signal)) return { record: undefined, effects: [], changed: false };
  const draft = previous ? structuredClone(previous) : newRecord(instanceId, fleet, signal as FirstSignal);
  const chain = signal.type === 'tick' && signal.wake ? signal.chain : undefined;
  const d = new Decision(draft, fleet, signal.at, previous === undefined, chain);

  if (signal.type === 'lifecycle') onLifecycle(d, signal, previous === undefined);
  else if (signal.type === 'groupState') onGroupState(d, signal, previous);
  else if (!onHeartbeat(d, signal)) route(d, signal);

  // Structural comparison, not bookkeeping: any field a rule touched counts, and nothing else does. A decision
  // that touched nothing and asks only for reads and wakes (a poll that learnt nothing) needs no write.
  const changed =
    JSON.stringify(draft) !== JSON.stringify(previous) || d.effects.some((effect) => !writeFree(effect.type));
  if (!changed) return { record: previous, effects: d.effects, changed: false };
  keepHeartbeatInReach(d);
  draft.updatedAt = Math.max(draft.updatedAt, signal.at);
  return { record: draft, effects: d.effects, changed: true };
}

/**
 * Heartbeats go out once a third of the hook's timeout has passed: with the shortest timeout (300 s) that leaves
 * 200 s, several reconciler minutes and quick retries, for a heartbeat that fails to still land in time.
 */
function heartbeatEvery(fleet: Fleet): number {
  return fleet.heartbeatTimeoutSeconds / 3;
}

/**
 * Effects a decision may ask for without writing its record: reads repeat harmlessly, and a wake only makes a
 * later look (a duplicate is dropped by route, or, on a polling chain, ends at the chain's next renewal).
 */
function writeFree(type: EffectType): boolean {
  return READ_EFFECTS.has(type) || type === 'wake';
}

/**
 * A polling chain's wake that its record no longer polls for: the chain ended (its step did) or was renumbered.
 * route() drops it on arrival; the engine need not send it at all when the record moved on in the same write.
 */
export function staleWake(record: HostRecord, effect: Effect): boolean {
  return effect.type === 'wake' && effect.chain !== undefined && effect.chain !== record.pollChain;
}

/** Slack for clock differences between Lambda hosts when judging whether a wake is due. */
const WAKE_SLACK_SECONDS = 2;

type Handler = (d: Decision, signal: Signal) => void;

/** The workflow that takes a record's signals, by status; a settled record only wakes for a lifecycle event. */
export const WORKFLOW: Record<Status, Handler | undefined> = {
  LAUNCHING: onLaunchSignal,
  TERMINATING: onTerminateSignal,
  CLEANUP_PENDING: onTerminateSignal,
  READY: undefined,
  WARMED: undefined,
  FAILED: undefined,
  TERMINATED: undefined,
  ADOPTING: onAdoptSignal,
  ADOPTED_NOT_JOINED: undefined,
  ADOPTED_NOT_IN_GROUP: undefined,
  ADOPTED_NOT_VERIFIED: undefined,
};

/**
 * Signals that hand a record to terminate from outside its workflow, whatever its status and step: each
 * names the status it takes and the step terminate starts in (docs/state-machine.md draws them).
 */
export const HANDOVERS = {
  instanceGone: { status: 'TERMINATING', step: 'deauthorize', on: onInstanceGone },
  strayMember: { status: 'CLEANUP_PENDING', step: 'deauthorize', on: onStrayMember },
} as const satisfies Partial<Record<Signal['type'], { status: Status; step: Step; on: Handler }>>;

function route(d: Decision, signal: Signal): void {
  const { record } = d;
  // A wake that is no longer due (a newer wake or a reconciler tick moved the record on) must not start a
  // second polling chain: each polling step asks for its next wake itself. The current chain's wakes are due
  // whatever its lease (nextCheckAt) says.
  if (
    signal.type === 'tick' &&
    signal.wake &&
    !d.onPollChain() &&
    record.nextCheckAt !== undefined &&
    record.nextCheckAt > d.at + WAKE_SLACK_SECONDS
  )
    return;
  const handover = HANDOVERS[signal.type as keyof typeof HANDOVERS];
  if (handover) return handover.on(d, signal);
  if (signal.type === 'tick') heartbeatIfDue(d);
  WORKFLOW[record.status]?.(d, signal);
}

function createsRecord(signal: Signal): signal is FirstSignal {
  if (signal.type === 'lifecycle') return true;
  return signal.type === 'groupState' && sweepMove(undefined, signal.state, signal.at) !== undefined;
}

function onLifecycle(d: Decision, signal: LifecycleSignal, fresh: boolean): void {
  const { record } = d;
  if (!fresh && tokenOfSweptAction(d, signal)) return;
  const known = [record.lifecycle?.token, ...(record.cancelledTokens ?? []), ...(record.seenTokens ?? [])];
  if (!fresh && known.includes(signal.token)) return; // a duplicate, retried or replayed delivery
  const served = record.lifecycle?.eventAt;
  if (!fresh && served !== undefined && signal.eventAt !== undefined && signal.eventAt < served) {
    d.log('warn', 'lifecycle event older than the action already served: ignored', { token: signal.token });
    return;
  }
  if (signal.transition === 'launch') return onLaunchEvent(d, signal, fresh);
  onTerminateEvent(d, signal, fresh);
}

/** The lifecycle action a new event opens, its clock started at the event's time when that is plausible. */
function actionOf(d: Decision, signal: LifecycleSignal): LifecycleAction {
  // The hook's clock started at the event's time; a receipt delayed by retries must not push heartbeats late.
  // An implausible time (clock skew, an archive replay) falls back to the receipt.
  const age = signal.eventAt === undefined ? undefined : signal.at - signal.eventAt;
  const startedAt =
    age !== undefined && age >= 0 && age < d.fleet.heartbeatTimeoutSeconds ? (signal.eventAt as number) : signal.at;
  return {
    transition: signal.transition,
    hookName: signal.hookName,
    token: signal.token,
    autoScalingGroupName: signal.autoScalingGroupName,
    origin: signal.origin,
    destination: signal.destination,
    startedAt,
    eventAt: signal.eventAt,
    heartbeatAt: startedAt,
    heartbeats: 0,
    replay: signal.replay || undefined,
    action: signal.action,
  };
}

/**
 * Statuses a launch event may start from: a new record, a host waiting in (or leaving) its warm pool, or a
 * retired generation (the same instance id with a fresh OS: generation.ts).
 */
const LAUNCHES_FROM: readonly Status[] = ['WARMED', 'TERMINATED'];
/** Statuses a terminate event is news for: anything not already leaving. */
const TERMINATE_IGNORED_IN: readonly Status[] = ['TERMINATING', 'CLEANUP_PENDING', 'TERMINATED'];

function onLaunchEvent(d: Decision, signal: LifecycleSignal, fresh: boolean): void {
  const { record } = d;
  if (!fresh && !LAUNCHES_FROM.includes(record.status)) {
    // A launch for a host already serving, failed or leaving: late, reordered or replayed. Never act on it.
    d.log('warn', `launch event ignored: instance is already ${record.status}`, { token: signal.token });
    return;
  }
  beginLaunch(d, actionOf(d, signal), launchDetail(signal), fresh);
}

/** A launch action begins, from its event or from the sweep; a retired record opens a new generation. */
function beginLaunch(d: Decision, action: LifecycleAction, detail: string, fresh: boolean): void {
  const { record } = d;
  if (!fresh && record.status === 'TERMINATED') d.note(openGeneration(record, action.action));
  record.lifecycle = action;
  if (action.token) remember(record, action.token);
  record.launchStartedAt = action.startedAt;
  record.failedStep = undefined;
  record.failure = undefined;
  record.ready = false;
  record.draining = false;
  record.containerInstanceArn = undefined;
  startLaunch(d, detail);
}

function launchDetail(signal: LifecycleSignal): string {
  let from = '';
  if (signal.destination === 'WarmPool') from = ' (into the warm pool)';
  else if (signal.origin === 'WarmPool') from = ' (from the warm pool)';
  return `launch lifecycle action ${signal.token}${from}${signal.replay ? ' (archive replay)' : ''}`;
}

function onTerminateEvent(d: Decision, signal: LifecycleSignal, fresh: boolean): void {
  const { record } = d;
  if (!fresh && TERMINATE_IGNORED_IN.includes(record.status)) {
    d.log('warn', `terminate event ignored: instance is already ${record.status}`, { token: signal.token });
    return;
  }
  beginTerminate(
    d,
    actionOf(d, signal),
    `terminate lifecycle action ${signal.token}${signal.destination === 'WarmPool' ? ' (to the warm pool)' : ''}`,
    fresh,
  );
}

/** A terminate action begins, from its event or from the sweep: a launch still running is cancelled. */
function beginTerminate(d: Decision, action: LifecycleAction, detail: string, fresh: boolean): void {
  const { record } = d;
  if (record.status === 'LAUNCHING' && record.lifecycle && !fresh) {
    // Never complete the stale launch action afterwards.
    cancel(record, record.lifecycle);
    if (record.pending?.purpose === 'join') record.openJoin = record.pending;
    keepUndoInFlight(record);
    d.note(`launch cancelled by terminate (action ${record.lifecycle.token ?? 'by instance id'} left to Auto Scaling)`);
  }
  record.lifecycle = action;
  if (action.token) remember(record, action.token);
  startTerminate(d, detail);
}

/** A launch action that will never be completed (a terminate or the instance's end overtook it). */
function cancel(record: HostRecord, action: LifecycleAction): void {
  if (action.token) record.cancelledTokens = [...(record.cancelledTokens ?? []), action.token];
}

/**
 * The event of an action the sweep already started (by instance id, with no token): the record takes its token,
 * so later copies are recognised, and nothing else changes. True when the event was that.
 */
function tokenOfSweptAction(d: Decision, signal: LifecycleSignal): boolean {
  const lifecycle = d.record.lifecycle;
  if (!lifecycle || lifecycle.token !== undefined || lifecycle.transition !== signal.transition) return false;
  if (!lifecycleOpen(d)) return false;
  lifecycle.token = signal.token;
  remember(d.record, signal.token);
  d.note(`${signal.transition} lifecycle event ${signal.token} arrived for the action the sweep started`);
  return true;
}

/**
 * The reconciler's sweep saw the instance in an Auto Scaling wait state (or running) that its record does not
 * serve (sweep.ts): start the launch or terminate whose event never arrived, completed by instance id.
 */
function onGroupState(d: Decision, signal: GroupStateSignal, previous: HostRecord | undefined): void {
  const move = sweepMove(previous, signal.state, signal.at);
  if (move === undefined) return;
  if (move === 'adopt') return beginAdopt(d, signal.state);
  const { fleet } = d;
  const launch = move === 'launch' || move === 'launchToPool';
  const action: LifecycleAction = {
    transition: launch ? 'launch' : 'terminate',
    hookName: launch ? fleet.launchHookName : fleet.terminateHookName,
    autoScalingGroupName: signal.autoScalingGroupName,
    origin: move === 'launch' && previous?.status === 'WARMED' ? 'WarmPool' : undefined,
    destination: move === 'launchToPool' || move === 'terminateToPool' ? 'WarmPool' : undefined,
    startedAt: signal.at,
    heartbeatAt: signal.at,
    heartbeats: 0,
  };
  const detail = `${action.transition} action found by the sweep (${signal.state}, no event received): completed by instance id`;
  d.metric('SweepStarted', 1);
  if (launch) beginLaunch(d, action, detail, previous === undefined);
  else beginTerminate(d, action, detail, previous === undefined);
}

/**
 * A running host no record serves (it predates gmsa-ready, or its record was lost): adopt it, without a
 * lifecycle action and without changing it (adopt.ts). A retired record opens a new generation first.
 */
function beginAdopt(d: Decision, state: string): void {
  const { record } = d;
  if (record.status === 'TERMINATED') d.note(openGeneration(record, 'found running by the sweep'));
  record.failedStep = undefined;
  record.ready = false;
  record.draining = false;
  record.containerInstanceArn = undefined;
  startAdopt(d, `adopting: found ${state} by the sweep with no record serving it; nothing on the host is changed`);
}

/**
 * A failed launch's undo that was claimed or sent is a membership removal whose outcome is not known yet:
 * terminate must learn it before removing anything itself, or the membership is removed twice (invariant 4;
 * CHAOS_SEED=20260101, run ~120 of 300). Kept as the unconfirmed removal terminate's deauthorize asks about.
 */
function keepUndoInFlight(record: HostRecord): void {
  const undo = record.pending;
  if (undo?.purpose === 'undo' && (undo.commandId !== undefined || undo.claimId !== undefined))
    record.unconfirmed = undo;
}

const SEEN_TOKENS = 20;

function remember(record: HostRecord, token: string): void {
  record.seenTokens = [...(record.seenTokens ?? []), token].slice(-SEEN_TOKENS);
}

/** The reconciler found the instance terminated or gone without a terminate event. */
function onInstanceGone(d: Decision, signal: Signal): void {
  const { record } = d;
  const state = signal.type === 'instanceGone' ? signal.state : 'gone';
  if (record.terminatedAt !== undefined || record.status === 'TERMINATED') return;
  if (record.status === 'CLEANUP_PENDING') {
    // A failed launch's membership removal still pending: the host is gone now, so its retry also deletes the account.
    record.terminatedAt = d.at;
    return d.note(`instance ${state}: the pending cleanup now deletes the computer account too`);
  }
  if (record.status === 'TERMINATING' && record.step !== 'drain') return;
  if (record.status === 'LAUNCHING' && record.lifecycle) cancel(record, record.lifecycle);
  if (record.status === 'LAUNCHING' && record.pending?.purpose === 'join') record.openJoin = record.pending;
  if (record.status === 'LAUNCHING') keepUndoInFlight(record);
  if (record.lifecycle && record.lifecycle.result === undefined && record.status === 'LAUNCHING') {
    record.lifecycle.result = 'EXPIRED';
  }
  record.terminatedAt = d.at;
  // A failed launch keeps its reason: it is why the instance went away.
  d.moveTo({ status: HANDOVERS.instanceGone.status, reason: record.failedStep ? record.reason : null });
  TERMINATE[HANDOVERS.instanceGone.step].start(d, `instance ${state} without a terminate event`);
}

/** A terminated host's account is still in the host group (a lost race, a manual re-add): remove it again. */
function onStrayMember(d: Decision): void {
  const { record } = d;
  if (record.terminatedAt === undefined || !record.computerName) return;
  record.inGroup = true;
  record.cleanupSince = d.at;
  d.note(`${record.computerName}$ found in ${d.fleet.hostGroup} after termination`);
  d.moveTo({ status: HANDOVERS.strayMember.status, reason: 'deauthorize: stale membership found by the scavenger' });
  TERMINATE[HANDOVERS.strayMember.step].start(d, 'scavenging a stale membership');
}

function heartbeatIfDue(d: Decision): void {
  const { record, fleet } = d;
  const lifecycle = record.lifecycle;
  if (!lifecycle || !lifecycleOpen(d)) return;
  if (d.at - lifecycle.heartbeatAt < heartbeatEvery(fleet)) return;
  d.emit({
    type: 'recordHeartbeat',
    autoScalingGroupName: lifecycle.autoScalingGroupName,
    hookName: lifecycle.hookName,
    token: lifecycle.token,
    instanceId: record.instanceId,
  });
}

/** Outcomes of our own heartbeat calls. Returns true when the signal was one. */
function onHeartbeat(d: Decision, signal: Signal): boolean {
  const lifecycle = d.record.lifecycle;
  if (!lifecycle) return false;
  if (signal.type === 'done' && signal.effect === 'recordHeartbeat') {
    lifecycle.heartbeatAt = d.at;
    lifecycle.heartbeats += 1;
    d.metric('HeartbeatSent', 1);
    return true;
  }
  if (signal.type === 'actionGone' && signal.effect === 'recordHeartbeat') {
    // Auto Scaling already applied the hook's default result (timeout): nothing left to complete.
    lifecycle.result = 'EXPIRED';
    lifecycle.completedAt = d.at;
    d.note('lifecycle action expired before the workflow finished');
    if (d.record.status === 'LAUNCHING' && d.record.step !== 'undo' && d.record.step !== 'complete') expireLaunch(d);
    return true;
  }
  if (signal.type === 'failed' && signal.effect === 'recordHeartbeat') {
    d.wakeIn(POLL_SECONDS.retry); // the next try must not wait for the reconciler's minute
    return true;
  }
  return false;
}

/** While an action is open, the record must be looked at again before a third of the heartbeat timeout has passed. */
function keepHeartbeatInReach(d: Decision): void {
  const { record, fleet } = d;
  const lifecycle = record.lifecycle;
  if (!lifecycle || !lifecycleOpen(d) || record.step === 'done') return;
  const due = lifecycle.heartbeatAt + heartbeatEvery(fleet);
  record.nextCheckAt = Math.min(record.nextCheckAt ?? due, due);
}
