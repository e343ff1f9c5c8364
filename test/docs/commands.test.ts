// Every command the README and docs/*.md show is run as written (test/docs/doc-commands.ts finds them and
// states the conventions): the exit status the text promises, 0 unless it says `# exits N`. Lines that
// need a deployed stage or an AWS account are skipped by design, with the reason in the test's name, and
// their arguments are still checked: --help, a bad flag, and a run with no AWS configuration at all.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../../lib/cli/main';
import { runCli } from '../cli/run-cli';
import { allDocCommands, type DocCommand, isSynopsis, skippedByDesign, specFor } from './doc-commands';
import { withNoAwsConfiguration } from './no-aws';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SCRIPTS: Record<string, string> = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).scripts;
/** `npm run` scripts the docs show and this test does not run, and why. Any other script shown fails here. */
const SKIPPED_SCRIPTS: Record<string, string> = {
  bench: 'the 10/100/1000-host benchmark: minutes, and it rewrites bench/results.md',
  'bench:cold': 'builds every bundle and rewrites bench/results.md',
  test: 'the suite itself (.ci/run runs it)',
  'test:chaos': 'the long chaos run (.ci/run runs it)',
  'test:documents': 'the SSM document tests (.ci/run runs them)',
  'test:node22': 'the suite again on Node 22 (.ci/run runs it)',
  'docs:state-machine': 'rewrites docs/state-machine.md (test/workflow/state-machine.test.ts checks it is current)',
};
/** bench lines run with at most this many hosts: the burst is the same code at any size. */
const SMALL_N = 10;

const commands = allDocCommands(ROOT);
const gmsa = commands.filter((c) => c.tool === 'gmsa-ready');

const cli = runCli;

const specOf = (command: DocCommand) =>
  specFor(
    command,
    COMMANDS.map((c) => c.spec),
  );

/** `bench --instances 1000` runs as `--instances 10`. */
function asRun(argv: string[]): string[] {
  if (argv[0] !== 'bench') return argv;
  return argv.map((word, i) => (argv[i - 1] === '--instances' ? String(Math.min(Number(word), SMALL_N)) : word));
}

const label = (c: DocCommand) => `${c.where}  ${c.text}`;

it('finds the commands the README and docs show', () => {
  expect(gmsa.length).toBeGreaterThan(10);
  expect(commands.some((c) => c.tool === 'npm run')).toBe(true);
});

describe('run as written', () => {
  const runnable = gmsa.filter((c) => !isSynopsis(c.argv) && skippedByDesign(c) === undefined);
  it.each(runnable.map((c) => [label(c), c] as const))('%s', async (_, command) => {
    specOf(command);
    const { code, stderr } = await cli(asRun(command.argv));
    expect(code, `${command.where} promises exit ${command.exits}; stderr: ${stderr}`).toBe(command.exits);
  });
});

describe('usage synopses are the command’s own usage', () => {
  const synopses = gmsa.filter((c) => isSynopsis(c.argv));
  it.each(synopses.map((c) => [label(c), c] as const))('%s', (_, command) => {
    const spec = specOf(command);
    expect(spec.usage).toContain(command.argv.slice(1).join(' '));
  });
});

describe('skipped by design; their arguments are still checked', () => {
  const skipped = gmsa.filter((c) => !isSynopsis(c.argv) && skippedByDesign(c) !== undefined);
  it.each(skipped.map((c) => [`${label(c)}  -- ${skippedByDesign(c)}`, c] as const))('%s', async (_, command) => {
    const spec = specOf(command);
    const help = await cli([...command.argv, '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(new RegExp(`^usage: gmsa-ready ${spec.name} `));
    const bad = await cli([...command.argv, '--no-such-flag']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain(`usage: gmsa-ready ${spec.name} `);
    if (!command.argv.includes('--stage') && !command.argv.some((w) => w.startsWith('arn:'))) return;
    // As written, on a machine with no AWS configuration: the arguments parse (not exit 2), and the one
    // line says what is missing, with no request sent.
    const run = await withNoAwsConfiguration(() => cli(command.argv));
    expect(run.code, run.stderr).toBe(1);
    expect(run.stderr).toMatch(new RegExp(`^${spec.name}: no AWS (Region|credentials): .*AWS_`));
    expect(run.stderr.trimEnd().split('\n')).toHaveLength(1);
  });
});

describe('npm run lines name a script', () => {
  const scripts = commands.filter((c) => c.tool === 'npm run');
  it.each(scripts.map((c) => [label(c), c] as const))('%s', (_, command) => {
    const script = command.argv[0] ?? '';
    expect(SCRIPTS[script], `${command.where}: package.json has no script '${script}'`).toBeDefined();
    expect(
      SKIPPED_SCRIPTS[script],
      `${command.where}: \`npm run ${script}\` is not run by this test: say why in SKIPPED_SCRIPTS`,
    ).toBeDefined();
  });
});
