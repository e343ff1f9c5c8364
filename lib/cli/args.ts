// Strict argument parsing for the sandbox and replay commands: unknown flags and missing values are
// usage errors with a one-line reason.
import { parseArgs } from 'node:util';
import { UsageError } from './io';

export interface RunArgs {
  world?: string;
  json: boolean;
  seed: number;
  sandbox: boolean;
  stage?: string;
  files: string[];
}

const STAGE = /^[a-z][a-z0-9-]{0,31}$/;

export function parseRunArgs(argv: string[], allow: { positionals: boolean; replay: boolean }): RunArgs {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv, allow.positionals);
  } catch (error) {
    throw new UsageError((error as Error).message.split('\n')[0]);
  }
  const { values, positionals } = parsed;
  if (!allow.replay && (values.sandbox || values.stage !== undefined))
    throw new UsageError('--sandbox and --stage belong to the replay command');
  const seed = values.seed === undefined ? 1 : Number(values.seed);
  if (!Number.isSafeInteger(seed) || seed < 0)
    throw new UsageError(`--seed must be a non-negative integer, got '${values.seed}'`);
  if (values.stage !== undefined && !STAGE.test(values.stage))
    throw new UsageError(`--stage must be a stage name such as dev or prod, got '${values.stage}'`);
  return {
    world: values.world,
    json: values.json ?? false,
    seed,
    sandbox: values.sandbox ?? false,
    stage: values.stage,
    files: positionals,
  };
}

function parse(argv: string[], allowPositionals: boolean) {
  return parseArgs({
    args: argv,
    strict: true,
    allowPositionals,
    options: {
      world: { type: 'string' },
      json: { type: 'boolean' },
      seed: { type: 'string' },
      sandbox: { type: 'boolean' },
      stage: { type: 'string' },
    },
  });
}
