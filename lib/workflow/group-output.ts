// Reads the GroupChange document's per-name result lines: `GMSA-READY-RESULT <NAME$> ok|error <message>`.
// One batched command serves many hosts, so each host looks only for its own line.

export type GroupLine = { ok: true } | { ok: false; message: string };

export function groupResultFor(output: string | undefined, computerAccount: string): GroupLine | undefined {
  if (!output) return undefined;
  const wanted = computerAccount.toUpperCase();
  for (const line of output.split(/\r?\n/)) {
    const match = /^GMSA-READY-RESULT (\S+) (ok|error)(?: (.*))?$/.exec(line.trim());
    if (!match || match[1]?.toUpperCase() !== wanted) continue;
    return match[2] === 'ok' ? { ok: true } : { ok: false, message: match[3]?.trim() || 'unspecified error' };
  }
  return undefined;
}
