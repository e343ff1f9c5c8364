// Hostile and malformed sandbox world files through `gmsa-ready sandbox --world FILE --json`: each exits 2
// with one printable line on stderr naming the field, and nothing on stdout. Every file runs through the
// command in-process; a few, and the control, also through the real binary in a child process.
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { main } from '../../lib/cli/main';
import { parseWorld, WorldError } from '../../lib/sandbox/world';
import { CORPUS, expectPrintableLine, expectPrototypeClean } from './support';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const DIR = join(CORPUS, 'worlds');

/** Each world file and what its one-line error must say (the two that are not JSON are .txt, out of the linter's way). */
const CASES: [file: string, expected: string][] = [
  ['account-not-digits.json', 'account: must be a 12-digit account id'],
  ['asg-terminal-escape.json', 'instances[0].autoScalingGroupName: must be an Auto Scaling group name'],
  ['chaos-out-of-range.json', 'chaos.duplicateEvents: Too big'],
  ['chaos-wrong-type.json', 'chaos.reorderEvents: Invalid input: expected boolean'],
  ['directory-computer-injection.json', 'directory.computers[0]: must be a computer account'],
  ['directory-group-escape.json', 'directory.groups'],
  ['directory-group-injection.json', 'directory.groups'],
  ['directory-id-shape.json', 'directory.id: must look like d-1234567890'],
  ['fault-unknown.json', 'instances[0].faults[0]: must be one of join-fails, '],
  ['fault-wrong-type.json', 'instances[0].faults: Invalid input: expected array'],
  ['fleet-hostgroup-injection.json', 'fleets[0].hostGroup: must be an AD group name'],
  ['fleet-no-management-host.json', 'fleets[0].managementInstanceId: is required for mode domain-joined'],
  ['fleet-ou-quotes.json', 'fleets[0].directory.ou: must be a distinguished name'],
  ['fleets-share-asg.json', "fleets[1].autoScalingGroups[0]: Auto Scaling group 'prod-ecs-win-orders' already belongs"],
  ['hostname-backticks.json', 'instances[0].hostname: must be a host name'],
  ['hostname-injection.json', 'instances[0].hostname: must be a host name'],
  ['hostname-rtl-override.json', 'instances[0].hostname: must be a host name'],
  ['hostname-terminal-escape.json', 'instances[0].hostname: must be a host name'],
  ['hostname-too-long.json', 'instances[0].hostname: must be a host name'],
  ['instance-id-command-substitution.json', 'instances[0].instanceId: must be an EC2 instance id'],
  ['instance-id-fullwidth.json', 'instances[0].instanceId: must be an EC2 instance id'],
  ['instance-id-not-aws.json', 'instances[0].instanceId: must be an EC2 instance id'],
  ['instances-duplicate.json', 'instances[1].instanceId: is listed twice'],
  ['not-json.txt', 'not valid JSON'],
  ['not-json-terminal-escape.txt', 'not valid JSON'],
  ['proto-hostgroup.json', 'fleets[0].hostGroup: is required for mode domain-joined'],
  ['region-hostile.json', 'region: must be a region such as us-east-1'],
  ['root-array.json', '(root): Invalid input: expected object, received array'],
  ['root-null.json', '(root): Invalid input: expected object, received null'],
  ['scenario-hostile-instance.json', 'scenario[0].launch[0]: must be an EC2 instance id'],
  ['scenario-no-action.json', 'scenario[0]: needs launch, terminate, kill or toWarmPool'],
  ['scenario-time-injection.json', 'scenario[0].at: must be a duration'],
  ['scenario-time-negative.json', 'scenario[0].at: must be a duration'],
  ['scenario-time-object.json', 'scenario[0].at: '],
  ['scenario-time-words.json', 'scenario[0].at: must be a duration'],
  ['scenario-unknown-instance.json', 'scenario[0].launch[0]: instance i-0fffffffffffffff0 is not in instances'],
  ['start-not-iso.json', 'start: Invalid ISO datetime'],
];

/** The real binary, as an operator runs it. */
function spawnSandbox(world: string): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['bin/gmsa-ready.js', 'sandbox', '--world', world, '--json'],
      { cwd: ROOT, timeout: 280_000, maxBuffer: 8 * 1024 * 1024 },
      (error, stdout, stderr) =>
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : null) : 0, stdout, stderr }),
    );
  });
}

/** The same command in-process: every corpus file runs here; a process per file would cost seconds each. */
async function runSandbox(world: string): Promise<Run> {
  const out = { stdout: '', stderr: '' };
  const code = await main(['sandbox', '--world', world, '--json'], {
    stdout: (text) => {
      out.stdout += text;
    },
    stderr: (text) => {
      out.stderr += text;
    },
  });
  return { code, ...out };
}

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `sandbox: FILE is invalid: ...` (or `is not valid JSON...`): exit 2, one printable line, nothing else. */
function expectRefused(run: Run, path: string, expected: string) {
  expect(run.code).toBe(2);
  expect(run.stdout).toBe('');
  expect(run.stderr.endsWith('\n')).toBe(true);
  const line = run.stderr.slice(0, -1);
  expectPrintableLine(line);
  expect(line.startsWith(`sandbox: ${path} is `)).toBe(true);
  expect(line).toContain(expected);
}

const worldPath = (file: string) => `test/corpus/worlds/${file}`;

describe('gmsa-ready sandbox --world over the world corpus', () => {
  it('has an expectation for every world file', () => {
    expect(readdirSync(DIR).sort()).toEqual([...CASES.map(([file]) => file), 'valid.json'].sort());
  });

  it.each(CASES)('refuses %s, naming the field', async (file, expected) => {
    expectRefused(await runSandbox(join(ROOT, worldPath(file))), join(ROOT, worldPath(file)), expected);
  });

  it('throws a WorldError for every JSON world in the corpus, leaving Object.prototype clean', () => {
    for (const [file] of CASES.filter(([name]) => !name.startsWith('not-json'))) {
      const value = JSON.parse(readFileSync(join(DIR, file), 'utf8'));
      expect(() => parseWorld(value), file).toThrow(WorldError);
    }
    expectPrototypeClean();
  });
});

describe.concurrent('the gmsa-ready binary', () => {
  it('runs the valid world the corpus varies (the control)', async () => {
    const run = await spawnSandbox(worldPath('valid.json'));
    expect(run.code).toBe(0);
    // How the host fares is the sandbox's own tests' business; here the world must load and run.
    const report = JSON.parse(run.stdout);
    expect(report.rejected).toEqual([]);
    expect(report.instances.map((i: { instanceId: string }) => i.instanceId)).toEqual(['i-0a1b2c3d4e5f60001']);
  });

  it.each(
    CASES.filter(([file]) =>
      [
        'fault-unknown.json',
        'hostname-injection.json',
        'scenario-time-words.json',
        'root-null.json',
        'not-json-terminal-escape.txt',
      ].includes(file),
    ),
  )('exits 2 for %s with the same one line', async (file, expected) => {
    expectRefused(await spawnSandbox(worldPath(file)), worldPath(file), expected);
  });

  it('refuses a 100 KB hostname without echoing it', async () => {
    const world = JSON.parse(readFileSync(join(DIR, 'valid.json'), 'utf8'));
    world.instances[0].hostname = 'H'.repeat(100 * 1024);
    const path = join(mkdtempSync(join(tmpdir(), 'gmsa-corpus-')), 'huge.json');
    writeFileSync(path, JSON.stringify(world));
    expectRefused(await spawnSandbox(path), path, 'instances[0].hostname: must be a host name');
  });
});
