// What of a command's output may be kept: bounded, control characters stripped, anything that looks like a
// secret redacted. The shell applies it to GetCommandInvocation's output before the core sees it, and the
// classifier again to the one line it keeps, so neither a record, a tag, a log nor a terminal gets more.
// Pure: no I/O.

/** Characters kept out of stored text: controls (but the line feed), format characters, line/paragraph separators. */
const UNSAFE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu;

/**
 * Things that look like secrets. Only `key=value` / `key: value` forms are redacted, not the words alone:
 * "The user name or password is incorrect." must survive to be classified.
 */
const SECRETS: readonly [RegExp, string][] = [
  [/-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(-----END [A-Z ]*PRIVATE KEY-----|$)/g, '[redacted private key]'],
  [
    /(["']?)\b([\w-]*(?:password|passwd|pwd|secret|token|apikey|api_key|credential)[\w-]*)\1(\s*[:=]\s*)("[^"]*"|'[^']*'|[^\s,;]+)/gi,
    '$1$2$1$3[redacted]',
  ],
  [/(--?(?:pass(?:word)?|token|secret)\s+)\S+/gi, '$1[redacted]'],
  [/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/-]+=*/g, '$1 [redacted]'],
  [/\b(AKIA|ASIA)[A-Z0-9]{16}\b/g, '[redacted access key]'],
  // A 40-character base64 run is what a secret access key looks like.
  [/(?<![A-Za-z0-9/+])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])/g, '[redacted]'],
];

export function redactSecrets(text: string): string {
  return SECRETS.reduce((out, [pattern, replacement]) => out.replace(pattern, replacement), text);
}

/** Output as lines of plain text: CRLF folded, tabs and other controls made spaces. */
export function stripControls(text: string): string {
  return text.replace(/\r\n?/g, '\n').replace(UNSAFE, (c) => (c === '\n' ? c : ' '));
}

/**
 * A command's output fit to keep: at most `max` characters, keeping the END (a failing script prints why
 * last), stripped and redacted. Redaction runs before the cut so a cut never halves a secret into view.
 */
export function keepableOutput(text: string | undefined, max: number): string {
  if (!text) return '';
  const clean = redactSecrets(stripControls(text));
  return clean.length > max ? clean.slice(clean.length - max) : clean;
}

/** One line fit for a record, a tag or a terminal: no line breaks, bounded, redacted. */
export function keepableLine(text: string, max: number): string {
  const line = redactSecrets(stripControls(text).replace(/\n/g, ' ')).replace(/\s+/g, ' ').trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}
