// What a CLI command may touch: its output streams. Tests pass their own.
export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

/** Bad usage or an unreadable input: exit 2 with this one-line reason. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** Exit statuses: 3 (an event was rejected) takes precedence over 4 (an invariant was violated). */
export const EXIT = { ok: 0, usage: 2, rejected: 3, invariant: 4 } as const;

/**
 * An error's message as one printable line: control characters (newlines, terminal escapes), bidi overrides
 * and zero-width characters become visible escapes, since messages can quote hostile input files.
 */
export function oneLineReason(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/[\p{Cc}\u200b-\u200f\u202a-\u202e\u2066-\u2069]/gu, (c) =>
    c === '\n' ? '\\n' : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}
