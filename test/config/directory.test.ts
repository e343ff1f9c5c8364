// The fleet's directory in the config: the shapes a directory name may take, with errors naming the path.
import { describe, expect, it } from 'vitest';
import { loadConfigFile } from '../../lib/config/file';
import { parseConfig } from '../../lib/config/load';

const example = loadConfigFile('config/example.yml');
const fleet = example.fleets[0];
if (!fleet) throw new Error('config/example.yml has no fleet');
const withDirectory = (directory: Record<string, unknown>) =>
  parseConfig({ fleets: [{ ...fleet, directory: { ...fleet.directory, ...directory } }] });

describe('directory.name', () => {
  it('accepts a single-label domain (AWS publishes credential specs for contoso)', () => {
    expect(withDirectory({ name: 'contoso' }).fleets[0]?.directory.name).toBe('contoso');
  });

  it.each(['corp..example.com', '-corp', 'corp.', 'corp.example.1com', 'a'.repeat(64)])('refuses %s', (name) => {
    expect(() => withDirectory({ name })).toThrow('fleets[0].directory.name: must be a DNS domain name');
  });
});
