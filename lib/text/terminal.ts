// What may reach an operator's terminal: the one escaping function every CLI output goes through (lib/cli/main.ts
// wraps stdout and stderr with it). Text quoted from specs, events, worlds or command output can hold escapes.

/**
 * Characters a terminal acts on or that change how a line reads: C0 and C1 controls and DEL (\p{Cc}; C1 U+009B is
 * a CSI on some terminals), format characters (\p{Cf}: zero-width U+200B-U+200F and U+2060, the byte-order mark
 * U+FEFF, the bidi embeddings and overrides U+202A-U+202E and isolates U+2066-U+2069), and the line and paragraph
 * separators U+2028 (\p{Zl}) and U+2029 (\p{Zp}).
 */
const UNSAFE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu;
const SHORT: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

const escaped = (c: string): string =>
  SHORT[c] ??
  Array.from({ length: c.length }, (_, i) => `\\u${c.charCodeAt(i).toString(16).padStart(4, '0')}`).join('');

/**
 * `text` with every unsafe character written as \uXXXX (astral ones as their surrogate pair), so the result is
 * printable and, inside a JSON string, still valid JSON meaning the same (\n, \r, \t keep their short forms).
 * With `keepNewlines` (the default, for
 * whole outputs) a line feed stays a line break; a single line (a table cell, a reason) escapes it too.
 */
export function escapeForTerminal(text: string, { keepNewlines = true } = {}): string {
  return text.replace(UNSAFE, (c) => (keepNewlines && c === '\n' ? c : escaped(c)));
}

/** One printable line: for table cells and reasons that must not break the line they sit on. */
export const oneLine = (text: string): string => escapeForTerminal(text, { keepNewlines: false });
