// Parses a config value into a validated Config, or a ConfigError whose message names each bad field by
// its path (fleets[0].directory.id); also the fleet lookups by group and by name.
import { renderPath } from '../json/path';
import { ConfigError, type ConfigIssue } from './error';
import { type Config, configSchema, type Fleet } from './schema';

export { ConfigError, type ConfigIssue };

/** A validation issue as zod and every Standard Schema library (Powertools' parser) report it. */
export interface Issue {
  message: string;
  path?: readonly (PropertyKey | { key: PropertyKey })[];
}

/** Each issue with its path in the file's own terms (fleets[0].directory.id); '(root)' for the whole value. */
export function issuesOf(error: { issues: readonly Issue[] }): ConfigIssue[] {
  return error.issues.map((issue) => {
    const segments = (issue.path ?? []).map((segment) => {
      const part = typeof segment === 'object' ? segment.key : segment;
      return typeof part === 'number' ? part : String(part);
    });
    return { path: renderPath(segments) || '(root)', message: issue.message };
  });
}

/** Renders issues as `path: reason`, joined by '; '. */
export function describeIssues(error: { issues: readonly Issue[] }): string {
  return issuesOf(error)
    .map((issue) => `${issue.path}: ${issue.message}`)
    .join('; ');
}

export function parseConfig(value: unknown, source = 'config'): Config {
  const result = configSchema.safeParse(value);
  if (!result.success)
    throw new ConfigError(`${source} is invalid: ${describeIssues(result.error)}`, issuesOf(result.error));
  return result.data;
}

/** The fleet that owns an Auto Scaling group, or undefined when no fleet does. */
export function fleetForGroup(config: Config, autoScalingGroupName: string): Fleet | undefined {
  return config.fleets.find((fleet) => fleet.autoScalingGroups.includes(autoScalingGroupName));
}

export function fleetByName(config: Config, name: string): Fleet | undefined {
  return config.fleets.find((fleet) => fleet.name === name);
}
