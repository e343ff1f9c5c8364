// The scavenger's judgement over one host group's member list, by objectSID (issue 13): a member whose
// SID a terminated gmsa-ready host recorded is removed again; a member whose SID no record holds is
// reported and never touched, even when its name matches one gmsa-ready once used (names recur; SIDs don't).
// A SID a live host holds is never removed.
import { patterns } from '../config/patterns';
import type { HostRecord } from './types';

export interface Member {
  /** NAME$, upper-cased. */
  account: string;
  objectSid: string;
}

export interface ScavengePlan {
  /** Instance ids of terminated records whose account is still a member. */
  stray: string[];
  /** Members gmsa-ready has no record of (NAME$ SID). */
  unknown: string[];
}

const MEMBER_LINE = /^GMSA-READY-MEMBER (\S+) (\S+)\s*$/;

/** Computer members (NAME$, upper-cased, with their objectSID) from the ListMembers document's output. */
export function parseMembers(output: string | undefined): Member[] {
  const members = new Map<string, Member>();
  for (const line of (output ?? '').split(/\r?\n/)) {
    const match = MEMBER_LINE.exec(line.trim());
    const [, account, objectSid] = match ?? [];
    if (!account || !objectSid || !patterns.computerAccount.test(account) || !patterns.objectSid.test(objectSid))
      continue;
    members.set(objectSid, { account: account.toUpperCase(), objectSid });
  }
  return [...members.values()];
}

export function planScavenge(members: readonly Member[], records: readonly HostRecord[]): ScavengePlan {
  const live = new Set<string>();
  const terminated = new Map<string, string>();
  for (const r of records) {
    const sid = r.identity?.objectSid;
    if (!sid) continue;
    if (r.status === 'TERMINATED' || r.terminatedAt !== undefined) terminated.set(sid, r.instanceId);
    else live.add(sid);
  }
  const stray: string[] = [];
  const unknown: string[] = [];
  for (const member of members) {
    if (live.has(member.objectSid)) continue;
    const instanceId = terminated.get(member.objectSid);
    if (instanceId) stray.push(instanceId);
    else unknown.push(`${member.account} ${member.objectSid}`);
  }
  return { stray, unknown };
}
