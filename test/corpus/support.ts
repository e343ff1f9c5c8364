// Shared by the corpus tests: engine deps over recording fakes, the corpus files, and the checks every
// rejection must pass (the reason names exactly the bad fields, is one printable line, and Object.prototype
// is untouched).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import type { EngineDeps } from '../../lib/engine/engine';
import type { Effect } from '../../lib/workflow/types';
import { exampleConfig, RecordingTelemetry } from '../engine/fakes';
import { MemoryStore } from '../support/memory-store';

export const CORPUS = fileURLToPath(new URL('.', import.meta.url));

export interface Intake {
  deps: EngineDeps;
  store: MemoryStore;
  effects: Effect[];
  telemetry: RecordingTelemetry;
}

/** Deps whose effector only records: nothing a corpus event does may reach it. */
export function intakeDeps(): Intake {
  const store = new MemoryStore();
  const effects: Effect[] = [];
  const telemetry = new RecordingTelemetry();
  const deps: EngineDeps = {
    config: exampleConfig,
    store,
    effector: {
      run: async (effect) => {
        effects.push(effect);
        return undefined;
      },
    },
    telemetry,
    now: () => 1_800_000_000,
    documents: { join: 'AWS-JoinDirectoryServiceDomain', refreshWindows: 'RW', refreshLinux: 'RL' },
  };
  return { deps, store, effects, telemetry };
}

/** A corpus entry: the input and the field paths its rejection must name (in the file's own terms). */
export interface CorpusCase<T = unknown> {
  name: string;
  why: string;
  fields: string[];
  input: T;
}

/** Reads `<dir>/*.json`, each `{ why, fields, <inputKey> }`, as cases named by file. */
export function readCorpus(dir: string, inputKey: string): CorpusCase[] {
  return readdirSync(join(CORPUS, dir))
    .filter((file) => file.endsWith('.json'))
    .sort()
    .map((file) => {
      const entry = JSON.parse(readFileSync(join(CORPUS, dir, file), 'utf8'));
      return { name: file, why: entry.why, fields: entry.fields, input: entry[inputKey] };
    });
}

/** The field paths a `path: reason; path: reason` message names, in order, without repeats. */
export function namedFields(reason: string): string[] {
  return [...new Set(reason.split('; ').map((issue) => issue.slice(0, issue.indexOf(': '))))];
}

/** A reason an operator can read and a log line can carry: one line of printable ASCII, bounded. */
export function expectPrintableLine(text: string | undefined) {
  expect(text).toMatch(/^[\x20-\x7e]{1,2000}$/);
}

const PROTOTYPE_KEYS = Object.getOwnPropertyNames(Object.prototype).sort();

export function expectPrototypeClean() {
  expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(PROTOTYPE_KEYS);
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
}

/** Intake refused the event and nothing happened: no record, no command, no effect, one EventRejected metric. */
export function expectRejectedCleanly(intake: Intake, source: 'lifecycle' | 'command-status') {
  expect(intake.store.records.size).toBe(0);
  expect(intake.store.commands.size).toBe(0);
  expect(intake.store.writes).toBe(0);
  expect(intake.effects).toEqual([]);
  expect(intake.telemetry.metrics).toEqual([
    { name: 'EventRejected', unit: 'Count', value: 1, dimensions: { Source: source } },
  ]);
  expectPrototypeClean();
}
