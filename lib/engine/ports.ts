// The two ports of the shell: where records live and how effects reach AWS. The engine depends on
// these interfaces only, so the sandbox and the tests can supply their own.
import type { Effect, EffectType, GroupChange, HostRecord, Signal, Status } from '../workflow/types';

/** A Run Command gmsa-ready sent, so a status event (which names only the command and one instance) finds its records. */
export interface CommandRef {
  commandId: string;
  purpose: 'join' | 'refresh' | 'resolve' | 'authorize' | 'deauthorize' | 'undo' | 'list-members';
  documentName: string;
  /**
   * The instance the command runs on: the management host of a group change or listing. For a join or refresh
   * it is the first host indexed; the command runs on every host of instanceIds (a status event names which).
   */
  targetInstanceId: string;
  /** The host records the command serves: the hosts a join/refresh was sent to (up to 50), a group change's batch. */
  instanceIds: string[];
  sentAt: number;
  /** The fleet a management-host listing was taken for (list-members). */
  fleet?: string;
  /** Which page of which listing a list-members command reads (the listing's id is its first command's id). */
  listing?: { id: string; page: number; after: string };
  /** The management host's lane the group change holds until it ends (lib/directory/lane.ts). */
  lane?: { key: string; token: string };
}

/**
 * A management host's lane for one purpose of group change (lib/directory/lane.ts): the group changes it has
 * sent and not seen end, and the ones waiting to go together when they do.
 */
export interface Lane {
  key: string;
  /** 0 before the lane is first stored; every write moves it on (the store's condition). */
  version: number;
  /** Sends in flight: their token -> the end of their lease (epoch seconds), after which the lane is free anyway. */
  inFlight: Record<string, number>;
  /** Changes claimed and not sent yet, with the claim that entitles their sender (pending.claimId). */
  waiting: { change: GroupChange; claimId: string }[];
  /** When the lane last sent (epoch seconds): it paces the next send while one is in flight. */
  lastSentAt?: number;
}

/**
 * A join or refresh: one command several hosts may share (lib/aws/joined.ts), each host indexing it on its own,
 * so the store merges the hosts of one command id into one ref rather than overwriting it.
 */
export const isHostCommand = (command: Pick<CommandRef, 'purpose'>): boolean =>
  command.purpose === 'join' || command.purpose === 'refresh';

export class VersionConflictError extends Error {
  override name = 'VersionConflictError';
}

export interface Page<T> {
  items: T[];
  cursor?: string;
}

export interface Store {
  get(instanceId: string): Promise<HostRecord | undefined>;
  /**
   * Writes the record if the stored version is still `expectedVersion` (undefined: the record must not exist yet).
   * The caller passes the record with its version already incremented. Throws VersionConflictError on a lost race.
   */
  put(record: HostRecord, expectedVersion: number | undefined): Promise<void>;
  /** Indexes a command; for a join or refresh (isHostCommand), adds its hosts to those already indexed, atomically. */
  putCommand(command: CommandRef): Promise<void>;
  getCommand(commandId: string): Promise<CommandRef | undefined>;
  /** Records with this status, most recently updated first, a page at a time (GSI byStatus). */
  listByStatus(status: Status, options: { limit: number; cursor?: string }): Promise<Page<HostRecord>>;
  /**
   * Claims an AD objectSID for a record, atomically: it succeeds when nobody holds it, this record already does,
   * or `replacing` does (a holder the core judged finished). Returns the holder after the attempt.
   */
  claimIdentity(objectSid: string, instanceId: string, replacing?: string): Promise<string>;
  /** A named bookmark (the reconciler's place in a long scan), so bounded runs still cover everything in turn. */
  getMarker(name: string): Promise<string | undefined>;
  putMarker(name: string, value: string | undefined): Promise<void>;
  getLane(key: string): Promise<Lane | undefined>;
  /**
   * Writes the lane if its stored version is still `expectedVersion` (0: the lane must not exist yet); the caller
   * passes the lane with its version already incremented. Throws VersionConflictError on a lost race.
   */
  putLane(lane: Lane, expectedVersion: number): Promise<void>;
}

export interface Effector {
  /** Performs one effect; returns the signal it produced (undefined for fire-and-forget effects). Never throws for AWS errors: it classifies them into a `failed` signal. */
  run(effect: Effect, at: number): Promise<Signal | undefined>;
  /** Effect types several hosts can share one AWS call for (absent: none). */
  readonly joinable?: ReadonlySet<EffectType>;
  /**
   * Performs the effects together, in as few calls as the APIs allow (effects of other types one by one): a
   * signal (or undefined) per effect, in order. Never throws for AWS errors: each effect of a call that failed
   * gets its own classified `failed` signal.
   */
  runJoined?(effects: Effect[], at: number): Promise<(Signal | undefined)[]>;
}

/**
 * How a function passes on the effects its role may not perform (lib/capabilities.ts): on the wake queue to
 * the function that may, which performs the effect and hands its outcome to the host's record.
 */
export interface HandOn {
  /** True when this function performs effects of this type itself. */
  performs(type: EffectType): boolean;
  /** Queues the effect; never throws for AWS errors: it classifies them into a `failed` signal, as Effector.run does. */
  send(instanceId: string, effect: Effect, at: number): Promise<Signal | undefined>;
}
