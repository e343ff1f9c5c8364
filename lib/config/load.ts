// Parses a config value into a validated Config, or a ConfigError whose message names each bad field by
// its path (fleets[0].directory.id); also the fleet lookups by group and by name.
import { ConfigError } from './error';
import { type Config, configSchema, type Fleet } from './schema';

export { ConfigError };

/** A validation issue as zod and every Standard Schema library (Powertools' parser) report it. */
export interface Issue {
  message: string;
  path?: readonly (PropertyKey | { key: PropertyKey })[];
}

/** Renders issues as `path: reason` lines, the path in the file's own terms (fleets[0].directory.id). */
export function describeIssues(error: { issues: readonly Issue[] }, prefix = ''): string {
  return error.issues
    .map((issue) => {
      const path = (issue.path ?? []).reduce<string>((acc, segment) => {
        const part = typeof segment === 'object' ? segment.key : segment;
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

/** The fleet that owns an Auto Scaling group, or undefined when no fleet does. */
export function fleetForGroup(config: Config, autoScalingGroupName: string): Fleet | undefined {
  return config.fleets.find((fleet) => fleet.autoScalingGroups.includes(autoScalingGroupName));
}

export function fleetByName(config: Config, name: string): Fleet | undefined {
  return config.fleets.find((fleet) => fleet.name === name);
}
