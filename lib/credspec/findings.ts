// Constructors for findings, so every rule reports the same shape.
import type { CredSpecCheck, CredSpecFinding } from '../workflow/types';

/** JSON path of the whole document; also used for findings about the source itself (fetch, reachability). */
export const ROOT = '$';

export const error = (code: string, path: string, message: string): CredSpecFinding => ({
  severity: 'error',
  code,
  path,
  message,
});

export const warning = (code: string, path: string, message: string): CredSpecFinding => ({
  severity: 'warning',
  code,
  path,
  message,
});

/** A check is valid when nothing it found is an error; warnings never block a host. */
export const toCheck = (source: string, findings: CredSpecFinding[]): CredSpecCheck => ({
  source,
  valid: !findings.some((f) => f.severity === 'error'),
  findings,
});

export const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export const nonEmptyString = (value: unknown): value is string => typeof value === 'string' && value.trim() !== '';

/**
 * A value quoted in a message: JSON, cut to 80 characters so a huge field can't flood a record or a terminal.
 * The spec is parsed with a depth limit first (lib/json/strict.ts), so JSON.stringify cannot overflow the stack.
 */
export function show(value: unknown): string {
  if (value === undefined) return 'missing';
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
