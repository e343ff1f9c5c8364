// What a CLI command may touch: its output streams. Tests pass their own.
import { escapeForTerminal, oneLine } from '../text/terminal';

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

/** An error's message as one printable line (lib/text/terminal.ts): messages can quote hostile input files. */
export function oneLineReason(error: unknown): string {
  return oneLine(error instanceof Error ? error.message : String(error));
}

/** The output edge: every byte a command writes passes escapeForTerminal, whatever its source. */
export function terminalSafe<T extends CliIo>(io: T): T {
  return {
    ...io,
    stdout: (text: string) => io.stdout(escapeForTerminal(text)),
    stderr: (text: string) => io.stderr(escapeForTerminal(text)),
  };
}
