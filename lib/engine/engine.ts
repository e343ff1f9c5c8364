// The shell's loop around the core: load the record, decide, write it back conditionally, perform the
// effects, feed their outcomes back as signals. A lost race re-reads and re-decides. The record is written
// once per decision that claims work, before that work runs, so a duplicate invocation sees it claimed;
// reads that change nothing in AWS are answered first and their decisions folded into the same write.
import { fleetByName } from '../config/load';
import type { Config, Fleet } from '../config/schema';
import { decide, staleWake } from '../workflow/decide';
import {
  type Effect,
  type EffectType,
  type HostRecord,
  type MetricDatum,
  READ_EFFECTS,
  type Signal,
} from '../workflow/types';
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
/** Bounds one invocation's work on one record (each decision is one round). */
const MAX_ROUNDS = 25;

/** Effects that claim nothing and answer nothing the core waits for: they wait for the write, never force one. */
const AFTER_WRITE: ReadonlySet<EffectType> = new Set(['metric', 'log', 'tag', 'wake']);

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
  let rounds = 0;
  while (rounds < MAX_ROUNDS && queue.length > 0) {
    const next = queue.shift() as Signal;
    const owner = (record && fleetByName(deps.config, record.fleet)) ?? fleet;
    if (!owner) {
      deps.telemetry.log('warn', 'record belongs to no configured fleet; left alone', {
        instanceId,
        fleet: record?.fleet,
      });
      return record;
    }
    const stored = await decideAndStore(deps, instanceId, record, next, owner, MAX_ROUNDS - rounds);
    record = stored.record;
    rounds += stored.rounds;
    queue.push(...stored.unanswered);
    for (const effect of stored.effects) {
      const outcome = await perform(deps, instanceId, effect);
      if (outcome) queue.push(outcome);
    }
  }
  if (queue.length > 0)
    deps.telemetry.log('warn', 'signal chain cut short; the reconciler will continue', { instanceId });
  return record;
}

interface Stored {
  record: HostRecord | undefined;
  /** What runs after the write, in the order decided. */
  effects: Effect[];
  /** Answers to reads not decided yet (the round budget ran out, or an earlier answer claimed work). */
  unanswered: Signal[];
  rounds: number;
}

/**
 * Decides `first` (and the answers to the reads it asks for), writes the result once, conditionally on the
 * version read. A lost race re-reads the record and decides `first` again: only reads have run, nothing is lost.
 */
async function decideAndStore(
  deps: EngineDeps,
  instanceId: string,
  current: HostRecord | undefined,
  first: Signal,
  fleet: Fleet,
  budget: number,
): Promise<Stored> {
  let record = current;
  for (let race = 0; race < MAX_RACES; race++) {
    const chain = await decideChain(deps, instanceId, record, first, fleet, budget);
    // Nothing to write (a poll that learnt nothing): its wakes still go out.
    if (!chain.record)
      return { record, effects: live(chain.effects, record), unanswered: chain.unanswered, rounds: chain.rounds };
    const written = { ...chain.record, version: (record?.version ?? 0) + 1 };
    try {
      await deps.store.put(written, record?.version);
      return {
        record: written,
        effects: live(chain.effects, written),
        unanswered: chain.unanswered,
        rounds: chain.rounds,
      };
    } catch (error) {
      if (!(error instanceof VersionConflictError)) throw error;
      record = await deps.store.get(instanceId);
    }
  }
  throw new Error(`record ${instanceId} kept changing under ${MAX_RACES} attempts; the event will be retried`);
}

/**
 * The effects still worth performing once the chain's decisions are in: a poll's wake that a later decision of
 * the same chain made stale (the host moved on at once, ending the poll) would only be dropped on arrival.
 */
function live(effects: Effect[], record: HostRecord | undefined): Effect[] {
  return record ? effects.filter((effect) => !staleWake(record, effect)) : effects;
}

interface Chain {
  /** The record to write; undefined when no decision changed anything. */
  record: HostRecord | undefined;
  effects: Effect[];
  unanswered: Signal[];
  rounds: number;
}

/**
 * Decides `first`; while a decision asks only for reads this function performs itself (and effects that wait
 * for the write anyway), performs those reads now and decides their answers against the unwritten draft.
 * Stops at the first decision that claims work: its record must be written before that work runs.
 */
async function decideChain(
  deps: EngineDeps,
  instanceId: string,
  stored: HostRecord | undefined,
  first: Signal,
  fleet: Fleet,
  budget: number,
): Promise<Chain> {
  const chain: Chain = { record: undefined, effects: [], unanswered: [first], rounds: 0 };
  while (chain.rounds < budget && chain.unanswered.length > 0) {
    const signal = chain.unanswered.shift() as Signal;
    chain.rounds += 1;
    const outcome = decide(chain.record ?? stored, signal, fleet, instanceId);
    if (!outcome.record) continue;
    const claims = outcome.effects.some((effect) => !readsNow(deps, effect) && !AFTER_WRITE.has(effect.type));
    // A decision that changed nothing asked only for reads and wakes; a read handed on is still a claim.
    if (outcome.changed || claims) chain.record = outcome.record;
    if (claims) {
      chain.effects.push(...outcome.effects);
      break;
    }
    for (const effect of outcome.effects) {
      if (!readsNow(deps, effect)) chain.effects.push(effect);
      else {
        const answer = await perform(deps, instanceId, effect);
        if (answer) chain.unanswered.push(answer);
      }
    }
  }
  return chain;
}

/** A read this function performs itself (a read handed on to another function is a queue message: a claim). */
function readsNow(deps: EngineDeps, effect: Effect): boolean {
  return READ_EFFECTS.has(effect.type) && (!deps.handOn || deps.handOn.performs(effect.type));
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
