// Hostile and malformed configuration files: each is refused with a ConfigError that names the file and
// the offending path. Each file's first line, `# expect: ...`, is the text its error must contain, or
// `# expect: valid, ...` for a file that must load and mean what it says (merge keys, a byte-order mark).
// (not-yaml.txt is .txt so the linter, which parses YAML, leaves it alone.)
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadConfigFile } from '../../lib/config/file';
import { ConfigError, parseConfig } from '../../lib/config/load';
import { CORPUS, expectPrintableLine, expectPrototypeClean } from './support';

const DIR = join(CORPUS, 'configs');
const cases = readdirSync(DIR)
  .filter((file) => file.endsWith('.yml') || file.endsWith('.txt'))
  .sort()
  .map((file) => {
    const text = readFileSync(join(DIR, file), 'utf8').replace(/^\uFEFF/, '');
    const expected = /^# expect: (.+)\n/.exec(text)?.[1];
    if (!expected) throw new Error(`${file} lacks its '# expect: ' line`);
    return { file, path: join(DIR, file), text, expected };
  });
const refused = cases.filter((c) => !c.expected.startsWith('valid'));
const accepted = cases.filter((c) => c.expected.startsWith('valid'));

function configError(load: () => unknown): ConfigError {
  try {
    load();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('the configuration was accepted');
}

describe('loadConfigFile', () => {
  it('loads config/example.yml (the control)', () => {
    const config = loadConfigFile(fileURLToPath(new URL('../../config/example.yml', import.meta.url)));
    expect(config.fleets.map((f) => f.name)).toEqual(['orders', 'payments-linux', 'reports-domainless']);
  });

  it('holds the corpus', () => {
    expect(cases.length).toBeGreaterThanOrEqual(30);
  });

  it.each(refused.map((c) => [c.file, c] as const))('rejects %s, naming the path', (_, entry) => {
    const error = configError(() => loadConfigFile(entry.path));
    expect(error.message.startsWith(`${entry.path} is `)).toBe(true);
    expect(error.message).toContain(entry.expected);
    expectPrototypeClean();
  });

  it.each(accepted.map((c) => [c.file, c] as const))('loads %s', (_, entry) => {
    expect(loadConfigFile(entry.path).fleets[0]?.name).toBe('orders');
  });

  it('honours a YAML merge key: a merged field takes effect, a field written in the map wins', () => {
    const [fleet] = loadConfigFile(join(DIR, 'merge-key-delete-flag.yml')).fleets;
    expect(fleet?.deleteComputerAccount).toBe(false);
    expect(fleet?.onLaunchFailure).toBe('ABANDON');
    expect(fleet).not.toHaveProperty('<<');
  });

  it('rejects an empty file as an empty document', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'gmsa-corpus-')), 'empty.yml');
    writeFileSync(path, '');
    expect(configError(() => loadConfigFile(path)).message).toBe(
      `${path} is invalid: (root): Invalid input: expected object, received null`,
    );
  });

  it('names a file it cannot read', () => {
    const path = join(DIR, 'no-such-file.yml');
    expect(configError(() => loadConfigFile(path)).message).toMatch(/^cannot read .*no-such-file\.yml: ENOENT/);
  });
});

describe('parseConfig', () => {
  // YAML-level refusals and merge keys are the file loader's; parseConfig sees plain values.
  const parsable = refused.filter((c) => !c.expected.startsWith('is not valid YAML') && !c.text.includes('<<:'));

  it.each(parsable.map((c) => [c.file, c] as const))('rejects the value of %s, naming the path', (_, entry) => {
    const error = configError(() => parseConfig(parse(entry.text)));
    expect(error.message).toMatch(/^config is invalid: /);
    expect(error.message).toContain(entry.expected);
    // The reason lands in logs and terminals: one printable line, never the hostile value itself.
    expectPrintableLine(error.message);
  });

  it.each([
    ['null', null],
    ['a number', 7],
    ['an array', []],
    ['fleets as an object', { fleets: { orders: {} } }],
  ])('rejects %s at the root', (_, value) => {
    expect(configError(() => parseConfig(value)).message).toMatch(/^config is invalid: (\(root\)|fleets): /);
  });
});
