// `gmsa-ready check-config [--json] FILE`: validates a stage config offline, as packaging does (the YAML rules of
// lib/config/file.ts, the schema, then the stage build of lib/infra/stage.ts), with no AWS call.
// Exit 0 valid, 1 invalid, 2 bad usage or an unreadable file.
import { MAX_CONFIG_BYTES, parseConfigYaml } from '../config/file';
import { ConfigError, type ConfigIssue, parseConfig } from '../config/load';
import type { Config } from '../config/schema';
import { readInputText } from '../files';
import { buildStage } from '../infra/stage';
import { type CommandSpec, runCommand } from './command';
import { type CliIo, EXIT, UsageError } from './io';

export const EXIT_INVALID = 1;

export const checkConfigCommand: CommandSpec = {
  name: 'check-config',
  summary: 'validate a stage config offline, as packaging does',
  usage: ['[--json] FILE'],
  about: [
    'Validates config/<stage>.yml with the schema and the checks packaging uses, without AWS: YAML merge keys',
    'honoured, one document only, duplicate keys and near-miss field names refused with their path.',
  ],
  options: {
    json: { help: '{"valid":true|false,"errors":[{"path","message"}],"config":CONFIG_WITH_DEFAULTS|null}' },
  },
  positionals: { name: 'FILE', help: 'the config file (a regular file of at most 1 MiB)' },
  exits: {
    [EXIT.ok]: 'valid',
    [EXIT_INVALID]: 'invalid (each error with its path)',
    [EXIT.usage]: 'bad usage or an unreadable file',
  },
};

/** What --json prints; `config` has every default applied, and is null when the file is invalid. */
export interface CheckConfigResult {
  valid: boolean;
  errors: ConfigIssue[];
  config: Config | null;
}

export function runCheckConfig(argv: string[], io: CliIo): Promise<number> {
  return runCommand(checkConfigCommand, argv, io, async (parsed) => {
    const [file, ...extra] = parsed.positionals;
    if (file === undefined || extra.length > 0) throw new UsageError('give exactly one config FILE');
    const text = readInputText(file, 'config file', (m) => new UsageError(m), MAX_CONFIG_BYTES);
    const result = checkConfigText(text, file);
    io.stdout(parsed.flag('json') ? `${JSON.stringify(result, null, 2)}\n` : formatResult(file, result));
    return result.valid ? EXIT.ok : EXIT_INVALID;
  });
}

/** The file's text judged as packaging would judge it; never throws for anything the file holds. */
export function checkConfigText(text: string, source: string): CheckConfigResult {
  let config: Config;
  try {
    config = parseConfig(parseConfigYaml(text, source), source);
    // Packaging's own checks: GMSA_READY_CONFIG fits Lambda's environment, alarm ids don't collide.
    buildStage(config, { service: 'gmsa-ready', stage: 'check' }, source);
  } catch (error) {
    const errors =
      error instanceof ConfigError ? error.issues : [{ path: '(root)', message: (error as Error).message }];
    return { valid: false, errors, config: null };
  }
  return { valid: true, errors: [], config };
}

function formatResult(file: string, result: CheckConfigResult): string {
  if (result.valid && result.config) {
    const fleets = result.config.fleets.map((fleet) => fleet.name);
    return `${file}: valid (${fleets.length} fleet${fleets.length === 1 ? '' : 's'}: ${fleets.join(', ')})\n`;
  }
  const lines = result.errors.map((issue) => `  ${issue.path}: ${issue.message}`);
  return `${file}: INVALID (${result.errors.length} error${result.errors.length === 1 ? '' : 's'})\n${lines.join('\n')}\n`;
}
