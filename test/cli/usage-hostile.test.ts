// Usage errors found by hostile arguments (issue 17): an empty or non-decimal integer flag, a device given as
// an input file. Each exits 2 with one line, before any sandbox runs.
import { describe, expect, it } from 'vitest';
import { main } from '../../lib/cli/main';

async function cli(argv: string[]) {
  const out = { stdout: '', stderr: '' };
  const code = await main(argv, {
    stdout: (text) => {
      out.stdout += text;
    },
    stderr: (text) => {
      out.stderr += text;
    },
  });
  return { code, ...out };
}

describe('hostile arguments are usage errors', () => {
  it.each([
    [['sandbox', '--seed='], /--seed must be a non-negative integer, got ''/],
    [['sandbox', '--seed=0x10'], /--seed must be a non-negative integer, got '0x10'/],
    [['bench', '--instances', '1', '--seed='], /--seed must be an integer from 0 to/],
    [['bench', '--instances', '1', '--ramp='], /--ramp must be an integer from 0 to 3600, got ''/],
    [
      ['sandbox', '--world', '/dev/zero'],
      /cannot read world file \/dev\/zero: it is a character device, not a regular file/,
    ],
    [['replay', '--sandbox', '/dev/zero'], /cannot read event file \/dev\/zero: it is a character device/],
  ])('%j', async (argv, reason) => {
    const { code, stdout, stderr } = await cli(argv);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(reason);
    expect(stderr.trimEnd().split('\n')).toHaveLength(1);
  });
});
