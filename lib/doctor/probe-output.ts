// The probe document's contract in both directions: the gMSA names it is asked about (read from the
// fleet's credential specs) and the `GMSA-READY-PROBE` lines it prints (ssm/doctor-probe.yml; its Pester
// test pins them; the sandbox's model prints the same). Pure.
import { parseJsonStrict } from '../json/strict';
import type { ProbeLine } from './facts';

/** A gMSA sAMAccountName without the $ (15 characters at most, like a computer's); ssm/doctor-probe.yml's GmsaNames. */
export const GMSA_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,14}$/;
/** At most this many gMSAs per probe (the parameter's allowedPattern says the same). */
export const MAX_GMSA_NAMES = 20;
/** ssm/doctor-probe.yml's GmsaNames allowedPattern: `-`, or 1-20 comma-separated gMSA names. */
export const GMSA_NAMES = /^(-|[A-Za-z0-9][A-Za-z0-9_.-]{0,14}(,[A-Za-z0-9][A-Za-z0-9_.-]{0,14}){0,19})$/;

/** The gMSA names a spec's ActiveDirectoryConfig.GroupManagedServiceAccounts lists; [] for anything unreadable. */
export function gmsaNamesIn(text: string): string[] {
  try {
    const doc = parseJsonStrict(text, 16) as { ActiveDirectoryConfig?: { GroupManagedServiceAccounts?: unknown } };
    const accounts = doc?.ActiveDirectoryConfig?.GroupManagedServiceAccounts;
    if (!Array.isArray(accounts)) return [];
    return accounts.flatMap((a) => {
      const name = (a as { Name?: unknown } | null)?.Name;
      return typeof name === 'string' && GMSA_NAME.test(name.replace(/\$$/, '')) ? [name.replace(/\$$/, '')] : [];
    });
  } catch {
    return [];
  }
}

/** Names once each, case-insensitively (AD's comparison), in first-seen order, at most MAX_GMSA_NAMES. */
export function uniqueNames(names: string[]): string[] {
  const seen = new Map<string, string>();
  for (const name of names) if (!seen.has(name.toUpperCase())) seen.set(name.toUpperCase(), name);
  return [...seen.values()].slice(0, MAX_GMSA_NAMES);
}

const LINE = /^GMSA-READY-PROBE (ad-module|host-group|kds-root-key|gmsa) (.*)$/;

/** The probe's lines: `ad-module ok`, `host-group missing <detail>`, `gmsa NAME allowed`, ...; other lines ignored. */
export function parseProbeOutput(output: string): ProbeLine[] {
  return output.split(/\r?\n/).flatMap((raw): ProbeLine[] => {
    const match = LINE.exec(raw.trimEnd());
    if (!match) return [];
    const what = match[1] as ProbeLine['what'];
    const words = (match[2] ?? '').split(' ');
    const name = what === 'gmsa' ? words.shift() : undefined;
    const [state = '', ...rest] = words;
    return [{ what, ...(name === undefined ? {} : { name }), state, detail: rest.join(' ').slice(0, 300) }];
  });
}
