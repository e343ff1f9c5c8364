import { parseDocument } from 'yaml';
import type { z } from 'zod';
import { readInputText } from '../files';
import { type Config, configSchema, type Fleet } from './schema';

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Renders zod issues as `path: reason` lines, the path in the file's own terms (fleets[0].directory.id). */
export function describeIssues(error: z.ZodError, prefix = ''): string {
  return error.issues
    .map((issue) => {
      const path = issue.path.reduce<string>((acc, part) => {
        if (typeof part === 'number') return `${acc}[${part}]`;
        const name = String(part);
        // Keys come from the input: anything but a plain identifier is quoted, escapes and all.
        if (!/^[A-Za-z_][A-Za-z0-9_-]{0,63}$/.test(name)) return `${acc}[${asciiJson(name)}]`;
        return acc ? `${acc}.${name}` : name;
      }, prefix);
      return `${path || '(root)'}: ${issue.message}`;
    })
    .join('; ');
}

/** JSON string literal with every non-printable-ASCII character escaped. */
export function asciiJson(text: string): string {
  return JSON.stringify(text.length > 64 ? `${text.slice(0, 64)}…` : text).replace(
    /[^\x20-\x7e]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

export function parseConfig(value: unknown, source = 'config'): Config {
  const result = configSchema.safeParse(value);
  if (!result.success) throw new ConfigError(`${source} is invalid: ${describeIssues(result.error)}`);
  return result.data;
}

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

/** The fleet that owns an Auto Scaling group, or undefined when no fleet does. */
export function fleetForGroup(config: Config, autoScalingGroupName: string): Fleet | undefined {
  return config.fleets.find((fleet) => fleet.autoScalingGroups.includes(autoScalingGroupName));
}

export function fleetByName(config: Config, name: string): Fleet | undefined {
  return config.fleets.find((fleet) => fleet.name === name);
}
