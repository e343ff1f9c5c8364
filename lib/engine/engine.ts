// The shell's loop around the core: load the record, decide, write it back conditionally, perform the
// effects, feed their outcomes back as signals. A lost race re-reads and re-decides; the record is
// always written before its effects run, so a duplicate invocation sees the work already claimed.
import { fleetByName } from '../config/load';
import type { Config, Fleet } from '../config/schema';
import { decide } from '../workflow/decide';
import type { Effect, HostRecord, MetricDatum, Signal } from '../workflow/types';
import { claimIdentity } from './identity-claim';
import { type CommandRef, type Effector, type HandOn, type Store, VersionConflictError } from './ports';

export interface Telemetry {
  metric(datum: MetricDatum): void;
  log(level: 'info' | 'warn' | 'error', message: string, fields: Record<string, unknown>): void;
}

export interface EngineDeps {
  config: Config;
  store: Store;
  effector: Effector;
  telemetry: Telemetry;
  now: () => number;
  /** Document names, for the command index. */
  documents: { join: string; refreshWindows: string; refreshLinux: string; joinWindows?: string; joinLinux?: string };
  /** Effects this function may not perform go here (absent: it performs every effect). */
  handOn?: HandOn;
}

const MAX_RACES = 5;
/** Bounds one invocation's work on one record (each effect outcome is one round). */
const MAX_ROUNDS = 25;

/**
 * Delivers a signal to one host's record and carries the consequences through.
 * `fleet` is needed only to create a record (lifecycle events); otherwise the record names its fleet.
 */
export async function deliver(
  deps: EngineDeps,
  instanceId: string,
  signal: Signal,
  fleet?: Fleet,
): Promise<HostRecord | undefined> {
  const queue: Signal[] = [signal];
  let record = await deps.store.get(instanceId);
  for (let round = 0; round < MAX_ROUNDS && queue.length > 0; round++) {
    const next = queue.shift() as Signal;
    const owner = (record && fleetByName(deps.config, record.fleet)) ?? fleet;
    if (!owner) {
      deps.telemetry.log('warn', 'record belongs to no configured fleet; left alone', {
        instanceId,
        fleet: record?.fleet,
      });
      return record;
    }
    const decided = await decideAndStore(deps, instanceId, record, next, owner);
    record = decided.record;
    for (const effect of decided.effects) {
      const outcome = await perform(deps, instanceId, effect);
      if (outcome) queue.push(outcome);
    }
  }
  if (queue.length > 0)
    deps.telemetry.log('warn', 'signal chain cut short; the reconciler will continue', { instanceId });
  return record;
}

async function decideAndStore(
  deps: EngineDeps,
  instanceId: string,
  current: HostRecord | undefined,
  signal: Signal,
  fleet: Fleet,
): Promise<{ record: HostRecord | undefined; effects: Effect[] }> {
  let record = current;
  for (let race = 0; race < MAX_RACES; race++) {
    const outcome = decide(record, signal, fleet, instanceId);
    if (!outcome.changed || !outcome.record) return { record, effects: [] };
    const written = { ...outcome.record, version: (record?.version ?? 0) + 1 };
    try {
      await deps.store.put(written, record?.version);
      return { record: written, effects: outcome.effects };
    } catch (error) {
      if (!(error instanceof VersionConflictError)) throw error;
      record = await deps.store.get(instanceId);
    }
  }
  throw new Error(`record ${instanceId} kept changing under ${MAX_RACES} attempts; the event will be retried`);
}

/**
 * Performs an effect another function handed on (it may not perform it) and delivers its outcome to the
 * host's record, as that function's own loop would have.
 */
export async function performHandedOn(deps: EngineDeps, instanceId: string, effect: Effect): Promise<void> {
  const outcome = await perform(deps, instanceId, effect);
  if (outcome) await deliver(deps, instanceId, outcome);
}

async function perform(deps: EngineDeps, instanceId: string, effect: Effect): Promise<Signal | undefined> {
  if (effect.type === 'metric') {
    deps.telemetry.metric(effect.datum);
    return undefined;
  }
  if (effect.type === 'log') {
    deps.telemetry.log(effect.level, effect.message, effect.fields);
    return undefined;
  }
  // The store, not AWS, answers an identity claim: the engine holds the store.
  if (effect.type === 'claimIdentity') return claimIdentity(deps.store, instanceId, effect, deps.now());
  if (deps.handOn && !deps.handOn.performs(effect.type)) return deps.handOn.send(instanceId, effect, deps.now());
  const outcome = await deps.effector.run(effect, deps.now());
  if (effect.type === 'sendCommand' && outcome?.type === 'commandSent') {
    await deps.store.putCommand(commandRef(deps, instanceId, effect, outcome.commandId, outcome.at));
  }
  if (outcome?.type === 'failed')
    deps.telemetry.log('warn', `${effect.type} failed (${outcome.kind})`, { instanceId, error: outcome.message });
  return outcome;
}

function commandRef(
  deps: EngineDeps,
  instanceId: string,
  effect: Extract<Effect, { type: 'sendCommand' }>,
  commandId: string,
  sentAt: number,
): CommandRef {
  const { documents } = deps;
  const windows = effect.platform === 'windows';
  const selfManagedJoin = (windows ? documents.joinWindows : documents.joinLinux) ?? documents.join;
  const documentName =
    effect.purpose === 'join'
      ? effect.selfManagedJoin
        ? selfManagedJoin
        : documents.join
      : windows
        ? documents.refreshWindows
        : documents.refreshLinux;
  return {
    commandId,
    purpose: effect.purpose,
    documentName,
    targetInstanceId: instanceId,
    instanceIds: [instanceId],
    sentAt,
  };
}
