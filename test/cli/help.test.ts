// Every subcommand answers --help and -h from its CommandSpec (usage, options, exit statuses; exit 0), and
// a usage error is one line that names the subcommand's usage. Runs over COMMANDS, so a new command is
// checked without a new test.
import { describe, expect, it } from 'vitest';
import { type CommandSpec, parseOptions, renderHelp } from '../../lib/cli/command';
import { COMMANDS } from '../../lib/cli/main';
import { runCli } from './run-cli';

const cli = runCli;

const names = COMMANDS.map((c) => c.spec.name);

describe.each(COMMANDS.map((c) => [c.spec.name, c.spec] as const))('gmsa-ready %s', (name, spec) => {
  it.each([['--help'], ['-h'], ['--json', '--help'], ['--no-such-option', '-h']])(
    '%s %s prints usage, every option and every exit status, and exits 0',
    async (...flags) => {
      const { code, stdout, stderr } = await cli([name, ...flags]);
      expect(code).toBe(0);
      expect(stderr).toBe('');
      expect(stdout.startsWith(`usage: gmsa-ready ${name} ${spec.usage[0]}`)).toBe(true);
      for (const option of Object.keys(spec.options)) expect(stdout).toMatch(new RegExp(`^ {2}--${option}\\b`, 'm'));
      expect(stdout).toMatch(/^ {2}-h, --help/m);
      expect(stdout).toMatch(/^exit status:$/m);
      for (const [exit, meaning] of Object.entries(spec.exits))
        expect(stdout).toContain(`  ${exit}  ${meaning.split('\n')[0]}`);
    },
  );

  it('declares what 0 and 2 mean', () => {
    expect(Object.keys(spec.exits)).toEqual(expect.arrayContaining(['0', '2']));
  });

  it('answers an unknown option with one line naming its usage, exit 2', async () => {
    const { code, stdout, stderr } = await cli([name, '--colour']);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(new RegExp(`^${name}: Unknown option '--colour'`));
    expect(stderr).toContain(`usage: gmsa-ready ${name} ${spec.usage[0]}`);
    expect(stderr).toContain(`gmsa-ready ${name} --help`);
    expect(stderr.trimEnd().split('\n')).toHaveLength(1);
  });
});

describe('gmsa-ready --help', () => {
  it('lists every command with its summary, exit 0', async () => {
    for (const flag of ['--help', '-h', 'help']) {
      const { code, stdout } = await cli([flag]);
      expect(code).toBe(0);
      for (const { spec } of COMMANDS)
        expect(stdout).toMatch(new RegExp(`^ {2}${spec.name} +${literal(spec.summary)}$`, 'm'));
    }
  });

  it('with no command at all, is a usage error on stderr', async () => {
    const { code, stdout, stderr } = await cli([]);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain('usage: gmsa-ready <command>');
  });

  it('has each command once', () => {
    expect(new Set(names).size).toBe(names.length);
  });
});

describe('the option parser derived from a spec', () => {
  const spec: CommandSpec = {
    name: 'demo',
    summary: 'a demo',
    usage: ['--size N [--loud] FILE...'],
    options: { size: { value: 'N', help: 'how big\nsecond line' }, loud: { short: 'l', help: 'shout' } },
    positionals: { name: 'FILE...', help: 'files' },
    exits: { 0: 'ok', 2: 'bad usage' },
  };

  it('reads declared options by name and keeps positionals', () => {
    const args = parseOptions(spec, ['--size', '3', '-l', 'a', 'b']);
    expect([args.string('size'), args.flag('loud'), args.positionals]).toEqual(['3', true, ['a', 'b']]);
  });

  it('refuses an option given twice rather than keeping the last', () => {
    expect(() => parseOptions(spec, ['--size', '3', '--size', '4'])).toThrow('--size given twice');
  });

  it('refuses positionals when the spec declares none', () => {
    expect(() => parseOptions({ ...spec, positionals: undefined }, ['a'])).toThrow(/positional argument/);
  });

  it('fails loudly when code reads an option its spec does not declare', () => {
    expect(() => parseOptions(spec, []).string('colour')).toThrow('option --colour is not declared');
  });

  it('renders continuation lines of an option under its text', () => {
    expect(renderHelp(spec)).toContain('  --size N    how big\n              second line\n');
  });
});

function literal(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
