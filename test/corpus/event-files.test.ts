// Recorded event files for `replay` (and one world file): a repeated key is refused with its path (JSON.parse would keep the last
// one silently), a byte-order mark is accepted. Files in event-files/ (.txt: the linter refuses such JSON).
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readEventFiles } from '../../lib/cli/event-files';
import { main } from '../../lib/cli/main';
import { loadWorldFile } from '../../lib/sandbox/world';
import { CORPUS, expectPrintableLine } from './support';

const DIR = join(CORPUS, 'event-files');

describe('event files', () => {
  it.each([
    ['duplicate-instance-id.txt', 'duplicate key detail.EC2InstanceId'],
    ['duplicate-key-in-array.txt', 'duplicate key [1].source'],
  ])('%s is refused with the key path', (file, reason) => {
    expect(() => readEventFiles([join(DIR, file)])).toThrow(reason);
  });

  it('replay exits 2 on a repeated key before any event is delivered', async () => {
    let stderr = '';
    let stdout = '';
    const code = await main(['replay', '--sandbox', join(DIR, 'duplicate-instance-id.txt')], {
      stdout: (text) => {
        stdout += text;
      },
      stderr: (text) => {
        stderr += text;
      },
    });
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain('duplicate key detail.EC2InstanceId');
    expectPrintableLine(stderr.trimEnd());
  });

  it('a world file with a repeated key is refused with its path', () => {
    expect(() => loadWorldFile(join(DIR, 'world-duplicate-key.txt'))).toThrow('duplicate key fleets[0].name');
  });

  it('accepts a leading byte-order mark', () => {
    const [recorded] = readEventFiles([join(DIR, 'byte-order-mark.txt')]);
    expect(recorded?.event).toMatchObject({ detail: { EC2InstanceId: 'i-0a1b2c3d4e5f60718' } });
  });
});
