// `gmsa-ready check-config [--json] FILE`: the deployable schema offline. Exit 0 valid, 1 invalid, 2 bad usage;
// --json prints exactly {valid, errors: [{path, message}], config} with defaults applied.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { main } from '../../lib/cli/main';

const EXAMPLE = fileURLToPath(new URL('../../config/example.yml', import.meta.url));
const CONFIGS = fileURLToPath(new URL('../corpus/configs/', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'gmsa-check-config-'));

async function checkConfig(...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const io = {
    stdout: (text: string) => {
      stdout += text;
    },
    stderr: (text: string) => {
      stderr += text;
    },
  };
  const code = await main(['check-config', ...argv], io);
  return { code, stdout, stderr };
}

describe('check-config', () => {
  it('exits 0 for config/example.yml and says which fleets it holds', async () => {
    const { code, stdout, stderr } = await checkConfig(EXAMPLE);
    expect(code).toBe(0);
    expect(stderr).toBe('');
    expect(stdout).toBe(`${EXAMPLE}: valid (3 fleets: orders, payments-linux, reports-domainless)\n`);
  });

  it('--json gives exactly valid, errors and the config with every default applied', async () => {
    const { code, stdout } = await checkConfig('--json', EXAMPLE);
    expect(code).toBe(0);
    const result = JSON.parse(stdout);
    expect(Object.keys(result)).toEqual(['valid', 'errors', 'config']);
    expect(result).toMatchObject({ valid: true, errors: [] });
    expect(result.config.fleets[0]).toMatchObject({
      readyAttribute: 'gmsa-ready',
      heartbeatTimeoutSeconds: 3600,
      drainTimeoutSeconds: 900,
      discoverCredentialSpecs: false,
    });
  });

  it.each([
    ['typo-key.yml', 'fleets[0].deleteComputerAcount', "did you mean 'deleteComputerAccount'?"],
    ['near-miss-delete-account.yml', 'fleets[0].deleteAccount', "did you mean 'deleteComputerAccount'?"],
    ['duplicate-key-nested.yml', 'fleets[0].directory.id', 'duplicate key fleets[0].directory.id'],
    ['two-documents.yml', '(root)', 'it holds 2 YAML documents'],
  ])('%s is invalid: exit 1, each error with its path', async (file, path, message) => {
    const text = await checkConfig(join(CONFIGS, file));
    expect(text.code).toBe(1);
    expect(text.stdout).toContain(`${path}: `);
    const json = await checkConfig('--json', join(CONFIGS, file));
    expect(json.code).toBe(1);
    const result = JSON.parse(json.stdout);
    expect(result.valid).toBe(false);
    expect(result.config).toBeNull();
    expect(result.errors).toContainEqual({ path, message: expect.stringContaining(message) });
  });

  it('lists every schema error, not just the first', async () => {
    const path = join(dir, 'two-errors.yml');
    writeFileSync(path, 'fleets:\n  - name: Bad Name\n    platform: macos\n');
    const { code, stdout } = await checkConfig('--json', path);
    expect(code).toBe(1);
    const paths = JSON.parse(stdout).errors.map((e: { path: string }) => e.path);
    expect(paths).toEqual(expect.arrayContaining(['fleets[0].name', 'fleets[0].platform']));
  });

  it.each([
    [[], /give exactly one config FILE/],
    [[EXAMPLE, EXAMPLE], /give exactly one config FILE/],
    [['--colour', EXAMPLE], /Unknown option '--colour'/],
    [[join(dir, 'missing.yml')], /cannot read config file .*missing\.yml: ENOENT/],
    [['/dev/zero'], /a character device, not a regular file/],
    [[dir], /a directory, not a regular file/],
  ])('%j is bad usage: exit 2, one line on stderr', async (argv, reason) => {
    const { code, stdout, stderr } = await checkConfig(...argv);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(reason);
    expect(stderr.trimEnd().split('\n')).toHaveLength(1);
  });

  it('refuses a FIFO and a 2 GB file at once, before reading', async () => {
    const fifo = join(dir, 'config.fifo');
    execFileSync('mkfifo', [fifo]);
    const big = join(dir, 'big.yml');
    writeFileSync(big, '');
    execFileSync('truncate', ['-s', String(2 * 1024 ** 3), big]);
    const started = Date.now();
    expect((await checkConfig(fifo)).stderr).toMatch(/a FIFO/);
    expect((await checkConfig(big)).stderr).toMatch(/2147483648 bytes, over the 1048576-byte limit/);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('escapes what a hostile file says before it reaches the terminal', async () => {
    const path = join(dir, 'hostile.yml');
    writeFileSync(path, 'fleets:\n  - name: "\\e]0;pwned\\a\\u202e"\n');
    const { code, stdout } = await checkConfig(path);
    expect(code).toBe(1);
    expect(stdout).not.toMatch(/(?!\n)[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u);
  });
});
