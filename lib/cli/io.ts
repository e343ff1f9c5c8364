// What a CLI command may touch: its output streams. Tests pass their own.
export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

/** Bad usage or an unreadable input: exit 2 with this one-line reason. */
export class UsageError extends Error {
  override name = 'UsageError';
}

export const EXIT = { ok: 0, usage: 2, rejected: 3 } as const;

/** The first line of an error's message: what a CLI prints for it. */
export function oneLineReason(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? '';
}
