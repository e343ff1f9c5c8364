// Test doubles for the engine's ports: an Effector that answers from a script and remembers what it was
// asked (with the stored record as it stood at that moment), a Telemetry that records, and deps over them.
// An effect the test did not script fails the test, naming the effect; only fire-and-forget ones may go unscripted.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { SQSEvent } from 'aws-lambda';
import { afterEach } from 'vitest';
import type { Outcome } from '../../lib/aws/outcome';
import { loadConfigFile } from '../../lib/config/file';
import type { Config } from '../../lib/config/schema';
import type { EngineDeps, Telemetry } from '../../lib/engine/engine';
import type { Effector } from '../../lib/engine/ports';
import type { Effect, EffectType, HostRecord, MetricDatum, Signal } from '../../lib/workflow/types';
import { MemoryStore } from '../support/memory-store';

export const exampleConfig: Config = loadConfigFile(
  fileURLToPath(new URL('../../config/example.yml', import.meta.url)),
);

export const DOCUMENTS = {
  join: 'AWS-JoinDirectoryServiceDomain',
  refreshWindows: 'gmsa-ready-test-RefreshWindows',
  refreshLinux: 'gmsa-ready-test-RefreshLinux',
};

type Answer<T extends EffectType> = (effect: Extract<Effect, { type: T }>) => Outcome | undefined;
export type Script = { [T in EffectType]?: Answer<T> };

export interface EffectCall {
  effect: Effect;
  at: number;
  /** The host's record in the store when the effect ran (the record is written before its effects). */
  stored: HostRecord | undefined;
}

function hostOf(effect: Effect): string | undefined {
  if (effect.type === 'enqueueGroupChange') return effect.change.instanceId;
  return 'instanceId' in effect ? effect.instanceId : undefined;
}

/** Effects that report nothing the core waits for (a wake message, the instance's tags): a test may leave them unscripted. */
export const FIRE_AND_FORGET: readonly EffectType[] = ['wake', 'tag'];

/** A scripted answer of plain success with nothing to report, for a test that expects the effect and nothing back. */
export const silent = (): undefined => undefined;

/** Thrown for an effect the test neither scripted nor declared fire-and-forget, like Dwolla's NotImplementedError. */
export class UnscriptedEffect extends Error {
  constructor(readonly effect: Effect) {
    super(
      `unscripted effect '${effect.type}': script an answer (effector.script.${effect.type}) or declare it fire-and-forget (${JSON.stringify(effect)})`,
    );
    this.name = 'UnscriptedEffect';
  }
}

/** Effectors made by this test file, checked after each test: an engine that caught the throw must not hide it. */
const effectors: ScriptedEffector[] = [];

afterEach(() => {
  const unscripted = effectors.splice(0).flatMap((effector) => effector.unscripted);
  if (unscripted[0]) throw new UnscriptedEffect(unscripted[0]);
});

export class ScriptedEffector implements Effector {
  readonly calls: EffectCall[] = [];
  script: Script = {};
  /** Effects that may go unscripted; a test adds to or removes from the defaults. */
  readonly fireAndForget = new Set<EffectType>(FIRE_AND_FORGET);
  /** Effects that were neither scripted nor fire-and-forget (each also threw when it ran). */
  readonly unscripted: Effect[] = [];
  /** Host whose record is snapshotted for effects that name no instance (putReadyAttribute, drain). */
  watch?: string;

  constructor(private readonly store: MemoryStore) {
    effectors.push(this);
  }

  async run(effect: Effect, at: number): Promise<Signal | undefined> {
    const host = hostOf(effect) ?? this.watch;
    this.calls.push({ effect, at, stored: host === undefined ? undefined : await this.store.get(host) });
    const answer = this.script[effect.type] as ((e: Effect) => Outcome | undefined) | undefined;
    if (!answer) {
      if (this.fireAndForget.has(effect.type)) return undefined;
      this.unscripted.push(effect);
      throw new UnscriptedEffect(effect);
    }
    const outcome = answer(effect);
    return outcome && ({ ...outcome, at } as Signal);
  }

  types(): EffectType[] {
    return this.calls.map((call) => call.effect.type);
  }

  of<T extends EffectType>(type: T): Extract<Effect, { type: T }>[] {
    return this.calls.filter((call) => call.effect.type === type).map((call) => call.effect) as Extract<
      Effect,
      { type: T }
    >[];
  }
}

export class RecordingTelemetry implements Telemetry {
  readonly metrics: MetricDatum[] = [];
  readonly logs: { level: string; message: string; fields: Record<string, unknown> }[] = [];

  metric(datum: MetricDatum): void {
    this.metrics.push(datum);
  }

  log(level: 'info' | 'warn' | 'error', message: string, fields: Record<string, unknown>): void {
    this.logs.push({ level, message, fields });
  }
}

export interface Harness {
  deps: EngineDeps;
  store: MemoryStore;
  effector: ScriptedEffector;
  telemetry: RecordingTelemetry;
  clock: { now: number };
}

export const T0 = 1_772_442_847;

export function harness(store = new MemoryStore(), config: Config = exampleConfig): Harness {
  const effector = new ScriptedEffector(store);
  const telemetry = new RecordingTelemetry();
  const clock = { now: T0 };
  const deps: EngineDeps = { config, store, effector, telemetry, now: () => clock.now, documents: DOCUMENTS };
  return { deps, store, effector, telemetry, clock };
}

/** An event from events/ (the fixtures `sls invoke local` uses), as a fresh mutable object. */
export function eventFixture(name: string): Record<string, unknown> & { detail: Record<string, unknown> } {
  return JSON.parse(readFileSync(fileURLToPath(new URL(`../../events/${name}.json`, import.meta.url)), 'utf8'));
}

/** An SQS batch as Lambda hands it over: message ids m-0, m-1, ... in order. */
export function sqsEvent(bodies: (string | object)[]): SQSEvent {
  return {
    Records: bodies.map((body, i) => ({
      messageId: `m-${i}`,
      receiptHandle: `receipt-${i}`,
      body: typeof body === 'string' ? body : JSON.stringify(body),
      attributes: {
        ApproximateReceiveCount: '1',
        SentTimestamp: '1772442847000',
        SenderId: 'AROAEXAMPLE',
        ApproximateFirstReceiveTimestamp: '1772442847000',
      },
      messageAttributes: {},
      md5OfBody: '',
      eventSource: 'aws:sqs',
      eventSourceARN: 'arn:aws:sqs:us-east-1:123456789012:gmsa-ready-test',
      awsRegion: 'us-east-1',
    })),
  };
}
