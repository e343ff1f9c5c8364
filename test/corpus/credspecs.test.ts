// Hostile credential specs: each is an error finding from check-credspec (exit 1), never a crash, a stack trace
// or raw control characters on the terminal. Files in credspecs/ (raw specs; .txt where the linter would refuse
// the JSON), plus the huge and deep ones generated here. Expectations are the table below.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../lib/cli/main';
import { CREDSPEC_MAX_BYTES } from '../../lib/credspec/limits';
import { validateCredSpecText } from '../../lib/credspec/rules';
import type { CredSpecFinding } from '../../lib/workflow/types';
import { fixturePath } from '../credspec/fixtures';
import { CORPUS } from './support';

const DIR = join(CORPUS, 'credspecs');

const NAME = (i: number) => `$.ActiveDirectoryConfig.GroupManagedServiceAccounts[${i}].Name`;
const NETBIOS = '$.DomainJoinConfig.NetBiosName';

/** file → the error finding it must produce (code, path) and text its message must contain. */
const EXPECTED: Record<string, { code: string; path: string; says?: string }> = {
  'byte-order-mark.txt': { code: 'invalid-json', path: '$', says: 'byte-order mark' },
  'duplicate-key.txt': { code: 'duplicate-key', path: '$.DomainJoinConfig.Sid' },
  'duplicate-key-in-account.txt': {
    code: 'duplicate-key',
    path: '$.ActiveDirectoryConfig.GroupManagedServiceAccounts[1].Name',
  },
  'gmsa-name-comma.json': { code: 'gmsa-name-shape', path: NAME(0), says: '","' },
  'gmsa-name-cyrillic.json': { code: 'gmsa-name-shape', path: NAME(0), says: 'U+0435' },
  'gmsa-name-fullwidth.json': { code: 'gmsa-name-shape', path: NAME(0), says: 'U+FF57' },
  'gmsa-name-terminal-escape.json': { code: 'gmsa-name-shape', path: NAME(0), says: 'U+001B' },
  'gmsa-name-too-long.json': { code: 'gmsa-name-shape', path: NAME(0), says: 'at most 20' },
  'netbios-backslash.json': { code: 'netbios-name-shape', path: NETBIOS },
  'netbios-cyrillic.json': { code: 'netbios-name-shape', path: NETBIOS, says: 'U+041E' },
  'netbios-fullwidth.json': { code: 'netbios-name-shape', path: NETBIOS, says: 'U+FF23' },
  'netbios-too-long.json': { code: 'netbios-name-shape', path: NETBIOS, says: '1-15 characters' },
};

/** Generated, never committed: the sizes and depths that used to crash the checker. */
const GENERATED: [string, string, string][] = [
  ['a million levels of arrays (2 MB)', `${'['.repeat(1_000_000)}${']'.repeat(1_000_000)}`, 'too-large'],
  ['4,000 levels inside 8 KB', `{"CmsPlugins":${'['.repeat(3_990)}${']'.repeat(3_990)}}`, 'too-deep'],
  ['objects 3,000 deep', `${'{"a":'.repeat(1_300)}1${'}'.repeat(1_300)}`, 'too-deep'],
  ['one byte over the cap', `{"CmsPlugins":"${'x'.repeat(CREDSPEC_MAX_BYTES)}"}`, 'too-large'],
  ['100 MB of spaces', ' '.repeat(100 * 1024 * 1024), 'too-large'],
];

const RAW = /(?!\n)[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u;

async function checkCredspec(...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const io = {
    stdout: (t: string) => {
      stdout += t;
    },
    stderr: (t: string) => {
      stderr += t;
    },
  };
  const code = await main(['check-credspec', ...argv], io);
  return { code, stdout, stderr };
}

const errorsOf = (findings: CredSpecFinding[]) => findings.filter((f) => f.severity === 'error');

describe('the credential spec corpus', () => {
  it('has an expectation for every file, and a file for every expectation', () => {
    expect(readdirSync(DIR).sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  it('passes the control: the untouched fixture is valid', async () => {
    const { code } = await checkCredspec('--platform', 'windows', fixturePath('microsoft-contoso'));
    expect(code).toBe(0);
  });

  it.each(Object.entries(EXPECTED))('%s: check-credspec exits 1 with the error finding', async (file, expected) => {
    const { code, stdout, stderr } = await checkCredspec('--json', join(DIR, file));
    expect(code).toBe(1);
    expect(stderr).toBe('');
    expect(stdout).not.toMatch(RAW);
    const [result] = JSON.parse(stdout).results as { findings: CredSpecFinding[] }[];
    const finding = errorsOf(result?.findings ?? []).find((f) => f.code === expected.code);
    expect(finding, JSON.stringify(result)).toMatchObject({ code: expected.code, path: expected.path });
    if (expected.says) expect(finding?.message).toContain(expected.says);
  });

  it.each(Object.keys(EXPECTED))('%s: the text output is printable too', async (file) => {
    const { stdout } = await checkCredspec(join(DIR, file));
    expect(stdout).toMatch(/INVALID/);
    expect(stdout).not.toMatch(RAW);
  });

  it.each(GENERATED)('a spec of %s is one error finding, no crash', (_, text, code) => {
    const errors = errorsOf(validateCredSpecText(text));
    expect(errors.map((f) => f.code)).toEqual([code]);
    expect(errors[0]?.message.length).toBeLessThan(400);
  });
});

describe('check-credspec reads only regular files of at most the cap', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gmsa-credspec-'));

  it.each([
    ['a FIFO', () => fifo(join(dir, 'spec.fifo')), /a FIFO/],
    ['/dev/zero', () => '/dev/zero', /a character device/],
    ['a directory', () => dir, /a directory/],
    ['a 5 GB sparse file', () => sparse(join(dir, 'huge.json'), 5 * 1024 ** 3), /5368709120 bytes, over the 8192-byte/],
  ])('refuses %s at once with an error finding', async (_, make, reason) => {
    const path = make();
    const started = Date.now();
    const { code, stdout } = await checkCredspec('--json', path);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(code).toBe(1);
    const [result] = JSON.parse(stdout).results as { findings: CredSpecFinding[] }[];
    expect(result?.findings[0]).toMatchObject({ severity: 'error', code: 'read-failed' });
    expect(result?.findings[0]?.message).toMatch(reason);
  });
});

function fifo(path: string): string {
  execFileSync('mkfifo', [path]);
  return path;
}

function sparse(path: string, bytes: number): string {
  writeFileSync(path, '');
  execFileSync('truncate', ['-s', String(bytes), path]);
  return path;
}
