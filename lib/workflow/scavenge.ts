// The scavenger's judgement over one host group's member list: a member whose account belongs to a
// terminated gmsa-ready host is removed again; a member gmsa-ready never recorded is reported and never
// touched. A name a live host holds now is never removed, even if an older terminated host had it too.
import type { HostRecord } from './types';

export interface ScavengePlan {
  /** Instance ids of terminated records whose account is still a member. */
  stray: string[];
  /** Member accounts gmsa-ready has no record of. */
  unknown: string[];
}

const MEMBER_LINE = /^GMSA-READY-MEMBER (\S+)\s*$/;

/** Computer accounts (NAME$, upper-cased) from the ListMembers document's output. */
export function parseMembers(output: string | undefined): string[] {
  const members = new Set<string>();
  for (const line of (output ?? '').split(/\r?\n/)) {
    const match = MEMBER_LINE.exec(line.trim());
    if (match?.[1]?.endsWith('$')) members.add(match[1].toUpperCase());
  }
  return [...members];
}

export function planScavenge(members: readonly string[], records: readonly HostRecord[]): ScavengePlan {
  const live = new Set<string>();
  const terminated = new Map<string, string>();
  for (const r of records) {
    if (!r.computerName) continue;
    const account = `${r.computerName}$`.toUpperCase();
    if (r.status === 'TERMINATED' || r.terminatedAt !== undefined) terminated.set(account, r.instanceId);
    else live.add(account);
  }
  const stray: string[] = [];
  const unknown: string[] = [];
  for (const member of members) {
    if (live.has(member)) continue;
    const instanceId = terminated.get(member);
    if (instanceId) stray.push(instanceId);
    else unknown.push(member);
  }
  return { stray, unknown };
}
