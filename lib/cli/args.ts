// The options `sandbox` and `replay` share (declared once for both specs) and their checks beyond
// parsing: a seed is a non-negative integer, a stage a stage name.
import type { OptionSpec, Parsed } from './command';
import { UsageError } from './io';

export interface RunArgs {
  world?: string;
  json: boolean;
  seed: number;
}

export const RUN_OPTIONS: Record<string, OptionSpec> = {
  world: { value: 'FILE', help: 'the world to simulate (default: the built-in demo, events/worlds/demo.json)' },
  json: { help: "print the sandbox's report as JSON instead of progress lines and a table" },
  seed: { value: 'N', help: 'the sandbox random seed (default 1): the same seed gives the same run' },
};

/** `--quotas on|off` of `bench` and `sandbox`: AWS's API rate quotas and Lambda concurrency, modelled (on by default). */
export const QUOTAS_OPTION: OptionSpec = {
  value: 'on|off',
  help: "model AWS's API rate quotas and Lambda concurrency (default on;\nvalues and sources: docs/performance.md)",
};

export function quotasArg(args: Parsed): boolean {
  const raw = args.string('quotas');
  if (raw === undefined || raw === 'on') return true;
  if (raw === 'off') return false;
  throw new UsageError(`--quotas must be on or off, got '${raw}'`);
}

const STAGE = /^[a-z][a-z0-9-]{0,31}$/;

export function runArgs(args: Parsed): RunArgs {
  const raw = args.string('seed');
  const seed = raw === undefined ? 1 : Number(raw);
  // Digits only: Number('') is 0 and Number('0x10') is 16, so `--seed=` must not quietly mean seed 0.
  if ((raw !== undefined && !/^\d+$/.test(raw)) || !Number.isSafeInteger(seed) || seed < 0)
    throw new UsageError(`--seed must be a non-negative integer, got '${raw}'`);
  return { world: args.string('world'), json: args.flag('json'), seed };
}

/** `--stage` checked as a stage name (dev, prod): it becomes part of function and table names. */
export function stageArg(args: Parsed): string | undefined {
  const stage = args.string('stage');
  if (stage !== undefined && !STAGE.test(stage))
    throw new UsageError(`--stage must be a stage name such as dev or prod, got '${stage}'`);
  return stage;
}
