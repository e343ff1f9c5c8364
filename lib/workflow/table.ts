// The shape of a workflow's transition table (launch.ts and terminate.ts each hold one) and the names of
// the signals a step consumes. Data only: the rows point at the named handlers that live beside them.
import type { Decision } from './context';
import type { EffectType, Signal, Status, Step } from './types';

/** A signal as a table names it: its type, or `type:effect` for an effect's outcome (`failed:inspect`). */
export type SignalName =
  | Exclude<Signal['type'], 'done' | 'failed' | 'actionGone'>
  | `${'done' | 'failed' | 'actionGone'}:${EffectType}`;

export function signalName(signal: Signal): SignalName {
  if (signal.type === 'done' || signal.type === 'failed' || signal.type === 'actionGone')
    return `${signal.type}:${signal.effect}`;
  return signal.type;
}

/** A transition other than the row's `next`: a failure, a skip, or an end with its status. */
export interface Exit {
  to: Step;
  /** The status the record takes with it; absent: the workflow's own status. */
  status?: Status;
  when: string;
}

export interface Row {
  /** Signals the step acts on besides a tick (every step takes ticks: retries, polls, deadlines). */
  consumes: readonly SignalName[];
  /** The step that follows when this one succeeds ('done': the workflow ends). */
  next: Step;
  /** Seconds the step may take; 'drain' is the fleet's drainTimeoutSeconds (plus 300 s to settle). */
  deadline: number | 'drain';
  /** What the step does on entry and on retries (launch); terminate's steps start through their own verbs. */
  act?: (d: Decision) => void;
  /** Enters the step from the one before it (terminate: each step decides how it starts). */
  start?: (d: Decision, detail: string) => void;
  /** The step's handler for the signals it consumes and ticks. */
  on: (d: Decision, signal: Signal) => void;
  /** Where else the step may lead, and when (drawn in docs/state-machine.md). */
  exits: readonly Exit[];
}

export type Table<S extends Step> = Record<S, Row>;

/** A Run Command's life as `follow` (commands.ts) reads it, host command or batched group change alike. */
export const COMMAND_SIGNALS: readonly SignalName[] = [
  'claim',
  'commandSent',
  'commandsFound',
  'commandStatus',
  'failed:sendCommand',
  'failed:enqueueGroupChange',
  'failed:findCommand',
  'failed:getCommandInvocation',
];

export const AGENT_SIGNALS: readonly SignalName[] = ['agent', 'failed:describeAgent'];

export const COMPLETE_SIGNALS: readonly SignalName[] = [
  'done:completeLifecycleAction',
  'actionGone:completeLifecycleAction',
  'failed:completeLifecycleAction',
];

/** Only a tick or a signal the row names reaches the step's handler. */
export function consumes(row: Row, signal: Signal): boolean {
  return signal.type === 'tick' || row.consumes.includes(signalName(signal));
}

/** The chain of `next` from `first` until 'done': the workflow's order in one line. */
export function plan<S extends Step>(table: Table<S>, first: S): S[] {
  const steps: S[] = [];
  for (let step: Step = first; step in table && !steps.includes(step as S); step = table[step as S].next)
    steps.push(step as S);
  return steps;
}
