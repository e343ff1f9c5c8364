import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import type { z } from 'zod';
import { type Config, configSchema, type Fleet } from './schema';

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Renders zod issues as `path: reason` lines, the path in the file's own terms (fleets[0].directory.id). */
export function describeIssues(error: z.ZodError, prefix = ''): string {
  return error.issues
    .map((issue) => {
      const path = issue.path.reduce<string>(
        (acc, part) => (typeof part === 'number' ? `${acc}[${part}]` : acc ? `${acc}.${String(part)}` : String(part)),
        prefix,
      );
      return `${path || '(root)'}: ${issue.message}`;
    })
    .join('; ');
}

export function parseConfig(value: unknown, source = 'config'): Config {
  const result = configSchema.safeParse(value);
  if (!result.success) throw new ConfigError(`${source} is invalid: ${describeIssues(result.error)}`);
  return result.data;
}

export function loadConfigFile(path: string): Config {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError(`cannot read ${path}: ${(error as Error).message}`);
  }
  let value: unknown;
  try {
    value = parse(text, { maxAliasCount: 10 });
  } catch (error) {
    throw new ConfigError(`${path} is not valid YAML: ${(error as Error).message}`);
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
