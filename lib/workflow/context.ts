// A decision in progress: a draft of the record, the effects asked for so far, and small verbs the
// launch and terminate rules share. Pure: the time comes from the signal.
import type { Fleet } from '../config/schema';
import type { MetricName } from './metrics';
import { HISTORY_LIMIT, POLL_LEASE_SECONDS } from './timing';
import type { Effect, HostRecord, Status, Step } from './types';

export class Decision {
  readonly effects: Effect[] = [];
  private tagged = false;

  constructor(
    readonly record: HostRecord,
    readonly fleet: Fleet,
    readonly at: number,
    /** The record is new: its first status is news even if it equals the initial one. */
    private readonly fresh = false,
    /** The polling chain of the wake being decided, if it is one (the tick's `chain`). */
    private readonly wakeChain?: number,
  ) {}

  emit(...effects: Effect[]): void {
    this.effects.push(...effects);
  }

  metric(name: MetricName, value: number, step?: Step): void {
    const dimensions: Record<string, string> = { Fleet: this.fleet.name };
    if (step) dimensions.Step = step;
    const unit = name === 'TimeToReady' || name === 'StepDuration' ? 'Seconds' : 'Count';
    this.emit({ type: 'metric', datum: { name, unit, value, dimensions } });
  }

  log(level: 'info' | 'warn' | 'error', message: string, fields: Record<string, unknown> = {}): void {
    const r = this.record;
    this.emit({
      type: 'log',
      level,
      message,
      fields: { instanceId: r.instanceId, fleet: r.fleet, status: r.status, step: r.step, ...fields },
    });
  }

  note(detail: string): void {
    const history = this.record.history;
    history.push({ at: this.at, step: this.record.step, detail });
    if (history.length > HISTORY_LIMIT) history.splice(0, history.length - HISTORY_LIMIT);
  }

  /**
   * The one verb that moves a record: to `status` and (unless `step` is omitted) into `step`, together.
   * Entering a step closes the previous one's timing, resets attempts and pending work and notes `detail`;
   * a new status or reason is tagged on the instance. The transitions allowed are drawn from the tables in
   * launch.ts and terminate.ts (docs/state-machine.md).
   *
   * `step` omitted changes the status only: the two events that hand a record to terminate from outside
   * (instanceGone, strayMember) tag the new status first and let terminate's first step decide where it
   * starts. It would be nicer to pick that step first; that would drop a tag the record emits today.
   */
  moveTo(to: { status: Status; step?: Step; reason?: string | null }, detail = ''): void {
    if (to.step !== undefined) this.enter(to.step, detail);
    this.setStatus(to.status, to.reason === undefined ? this.record.reason : to.reason);
  }

  private enter(step: Step, detail: string): void {
    const r = this.record;
    if (r.step !== step && r.step !== 'done')
      this.metric('StepDuration', Math.max(0, this.at - r.stepStartedAt), r.step);
    r.step = step;
    r.stepStartedAt = this.at;
    r.attempts = 0;
    r.pending = undefined;
    delete r.pollChain; // the old step's polls end with it
    this.note(detail);
  }

  private setStatus(status: Status, reason: string | null): void {
    const r = this.record;
    // A new record's first status is news even when it equals the initial one (once per decision).
    const tagChanged = (this.fresh && !this.tagged) || r.status !== status || r.reason !== reason;
    r.status = status;
    r.reason = reason;
    if (!tagChanged) return;
    this.tagged = true;
    this.emit({ type: 'tag', instanceId: r.instanceId, status, reason });
  }

  /** Look again after `delay` seconds: a wake message now, the reconciler as the safety net. */
  wakeIn(delay: number): void {
    this.checkAt(delay);
    this.emit({ type: 'wake', instanceId: this.record.instanceId, delaySeconds: delay });
  }

  /** Only the reconciler looks again (used while an event is expected). */
  checkAt(delay: number): void {
    this.record.nextCheckAt = this.at + delay;
    delete this.record.pollChain;
  }

  /**
   * Look again after `delay` seconds, as the next link of a polling chain that writes the record only when it
   * starts or renews: a poll that learns nothing then costs no write. The record holds the chain's number and a
   * lease (nextCheckAt, POLL_LEASE_SECONDS past the wake); the chain's wakes are due whatever the lease says,
   * and the reconciler takes over only if the chain stops and the lease runs out. Each renewal numbers the chain
   * afresh (the version being written), so a duplicated wake forks a chain only until the next renewal.
   */
  pollIn(delay: number): void {
    const r = this.record;
    const due = this.at + delay;
    // Renew while the lease still covers the next wake and the one after it, so a wake never finds it lapsed.
    if (!this.onPollChain() || r.nextCheckAt === undefined || r.nextCheckAt < due + delay) {
      r.pollChain = r.version + 1;
      r.nextCheckAt = due + POLL_LEASE_SECONDS;
    }
    this.emit({ type: 'wake', instanceId: r.instanceId, delaySeconds: delay, chain: r.pollChain });
  }

  /** This decision answers a wake of the record's current polling chain. */
  onPollChain(): boolean {
    return this.wakeChain !== undefined && this.wakeChain === this.record.pollChain;
  }

  elapsedInStep(): number {
    return this.at - this.record.stepStartedAt;
  }
}

/** The record's lifecycle action is still waiting for a result (ours or Auto Scaling's). */
export function lifecycleOpen(d: Decision): boolean {
  const lifecycle = d.record.lifecycle;
  return lifecycle !== undefined && lifecycle.result === undefined;
}
