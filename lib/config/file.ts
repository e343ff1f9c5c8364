// Reading config/<stage>.yml (packaging, the CLI, tests). Kept apart from load.ts so the Lambda bundles,
// which only parse the JSON the package step embedded, don't carry a YAML parser.
import { parseDocument } from 'yaml';
import { readInputText } from '../files';
import { ConfigError, parseConfig } from './load';
import type { Config } from './schema';

export function loadConfigFile(path: string): Config {
  const text = readInputText(path, 'config file', (m) => new ConfigError(m));
  // Warnings (an unknown tag such as !!js/function) are errors here: a config means exactly what it says.
  const doc = parseDocument(text, { logLevel: 'silent' });
  const problem = doc.errors[0] ?? doc.warnings[0];
  if (problem) throw new ConfigError(`${path} is not valid YAML: ${problem.message.split('\n')[0]}`);
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 10 });
  } catch (error) {
    throw new ConfigError(`${path} is not valid YAML: ${(error as Error).message.split('\n')[0]}`);
  }
  return parseConfig(value, path);
}
