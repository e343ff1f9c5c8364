// What each subcommand accepts, declared once: usage forms, options, exit statuses. `--help`/`-h`, the
// option parser's configuration and the one-line usage error are all derived from that declaration here,
// so a command module only declares its CommandSpec and works on the parsed result.
import { parseArgs } from 'node:util';
import { AwsAccessError, EXIT_AWS } from './aws-access';
import { type CliIo, EXIT, oneLineReason, UsageError } from './io';

export interface OptionSpec {
  /** The value's placeholder in help (`--world FILE`); absent for a flag that takes no value. */
  value?: string;
  /** One-letter alias, e.g. `j` for `-j`. `-h` is taken by help. */
  short?: string;
  /** What the option does; `\n` starts an indented continuation line. */
  help: string;
}

export interface CommandSpec {
  /** The word after `gmsa-ready`. */
  name: string;
  /** One line for the top-level command list. */
  summary: string;
  /** Each accepted form, without the leading `gmsa-ready NAME`: `'--instances N [--json]'`. */
  usage: string[];
  /** Lines printed under the usage forms by --help (what the command does, its sources, its output). */
  about?: string[];
  /** Options by long name, in the order help lists them. `help`/`h` is added to every command. */
  options: Record<string, OptionSpec>;
  /** Positional arguments (`ARN_OR_FILE...`) and what they are; absent: none accepted. */
  positionals?: { name: string; help: string };
  /** Every exit status the command can end with, and what it means. 0 and 2 are expected in each. */
  exits: Record<number, string>;
}

/** The options a command was given, read by the names its spec declares. */
export interface Parsed {
  /** A value option's value (undefined when not given). */
  string(name: string): string | undefined;
  /** Whether a flag was given. */
  flag(name: string): boolean;
  positionals: string[];
}

const HELP: OptionSpec = { short: 'h', help: 'show this help (usage, options, exit statuses) and exit 0' };

/**
 * Runs a command: `--help`/`-h` anywhere before `--` prints its help and exits 0; otherwise the arguments
 * are parsed strictly against the spec and handed to `body`. A UsageError (from parsing or from `body`)
 * becomes one line on stderr naming the command's usage, exit 2; an AwsAccessError its one line, exit 1.
 */
export async function runCommand(
  spec: CommandSpec,
  argv: string[],
  io: CliIo,
  body: (args: Parsed) => Promise<number>,
): Promise<number> {
  if (asksForHelp(argv)) {
    io.stdout(renderHelp(spec));
    return EXIT.ok;
  }
  try {
    return await body(parseOptions(spec, argv));
  } catch (error) {
    if (error instanceof AwsAccessError) {
      io.stderr(`${spec.name}: ${oneLineReason(error)}\n`);
      return EXIT_AWS;
    }
    if (!(error instanceof UsageError)) throw error;
    io.stderr(
      `${spec.name}: ${oneLineReason(error)} (usage: ${usageLine(spec)}; see gmsa-ready ${spec.name} --help)\n`,
    );
    return EXIT.usage;
  }
}

function asksForHelp(argv: string[]): boolean {
  const end = argv.indexOf('--');
  return (end < 0 ? argv : argv.slice(0, end)).some((arg) => arg === '--help' || arg === '-h');
}

/** Strict: an undeclared option, a missing value, a stray positional or an option given twice is a UsageError. */
export function parseOptions(spec: CommandSpec, argv: string[]): Parsed {
  const options = Object.fromEntries(
    Object.entries(spec.options).map(([name, o]) => [
      name,
      {
        type: o.value === undefined ? ('boolean' as const) : ('string' as const),
        ...(o.short ? { short: o.short } : {}),
      },
    ]),
  );
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: argv,
      options,
      strict: true,
      allowPositionals: spec.positionals !== undefined,
      tokens: true,
    });
  } catch (error) {
    throw new UsageError((error as Error).message.split('\n')[0] ?? '');
  }
  const seen = new Set<string>();
  for (const token of parsed.tokens ?? []) {
    if (token.kind !== 'option') continue;
    if (seen.has(token.name)) throw new UsageError(`--${token.name} given twice`);
    seen.add(token.name);
  }
  const declared = (name: string) => {
    if (!(name in spec.options)) throw new Error(`${spec.name}: option --${name} is not declared in its CommandSpec`);
    return parsed.values[name];
  };
  return {
    string: (name) => {
      const value = declared(name);
      return typeof value === 'string' ? value : undefined;
    },
    flag: (name) => declared(name) === true,
    positionals: parsed.positionals,
  };
}

/** `gmsa-ready NAME FORM` for the first form, `|`-joined with the others: the one-line reminder in errors. */
export function usageLine(spec: CommandSpec): string {
  return spec.usage.map((form) => `gmsa-ready ${spec.name} ${form}`.trimEnd()).join(' | ');
}

/** The text `gmsa-ready NAME --help` prints. */
export function renderHelp(spec: CommandSpec): string {
  const forms = spec.usage.map((form, i) => `${i === 0 ? 'usage: ' : '       '}gmsa-ready ${spec.name} ${form}`);
  const rows: [string, string][] = Object.entries({ ...spec.options, help: HELP }).map(([name, o]) => [
    `${o.short ? `-${o.short}, ` : ''}--${name}${o.value ? ` ${o.value}` : ''}`,
    o.help,
  ]);
  if (spec.positionals) rows.push([spec.positionals.name, spec.positionals.help]);
  const exits: [string, string][] = Object.entries(spec.exits).map(([code, meaning]) => [code, meaning]);
  return [
    ...forms.map((line) => line.trimEnd()),
    ...(spec.about ?? []),
    '',
    'options:',
    ...table(rows),
    '',
    'exit status:',
    ...table(exits),
    '',
  ].join('\n');
}

function table(rows: [string, string][]): string[] {
  const width = Math.max(...rows.map(([left]) => left.length)) + 2;
  return rows.flatMap(([left, right]) =>
    right.split('\n').map((line, i) => `  ${(i === 0 ? left : '').padEnd(width)}${line.trimStart()}`),
  );
}

/** The top-level `gmsa-ready --help`: every command's first usage form and summary. */
export function renderCommandList(specs: CommandSpec[]): string {
  const rows: [string, string][] = specs.map((spec) => [spec.name, spec.summary]);
  return [
    'usage: gmsa-ready <command> [options]',
    '',
    'commands:',
    ...table(rows),
    '',
    "gmsa-ready <command> --help shows a command's usage, options and exit statuses.",
    '',
  ].join('\n');
}
