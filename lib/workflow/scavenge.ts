// The scavenger's judgement over one host group's member list, by objectSID (issue 13): a member whose
// SID a terminated gmsa-ready host recorded is removed again; a member whose SID no record holds is
// reported and never touched, even when its name matches one gmsa-ready once used (names recur; SIDs don't).
// A SID a live host holds is never removed. The list comes a page at a time (ssm/list-members.yml): the pages
// are judged only when their markers prove they cover the whole group; otherwise the run is partial.
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
  /** Members whose SID a record holds (live or terminated). */
  recorded: number;
}

/** StartAfter of a listing's first page, and the marker's `next` of its last. */
export const FIRST_PAGE = '-';
export const LAST_PAGE = 'END';
/** Members a ListMembers page holds at most (ssm/list-members.yml $pageSize). */
export const MEMBERS_PER_PAGE = 200;
/** ListMembers' StartAfter parameter: `-` or an upper-cased computer account (the document's allowedPattern). */
export const START_AFTER = /^-$|^[A-Z0-9][A-Z0-9-]{0,14}\$$/;

/** One ListMembers page: the members after `after`, in ordinal name order, and where the next page starts. */
export interface MemberPage {
  after: string;
  members: Member[];
  /** The group's size when the page was read. */
  total: number;
  /** The last name listed, or LAST_PAGE. */
  next: string;
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; reason: string };

const PAGE_LINE = /^GMSA-READY-PAGE (\S+) (\d{1,6}) (\d{1,6}) (\S+)$/;

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

/**
 * One page of ListMembers output, or why it cannot be trusted: the marker must be the last line (GetCommandInvocation
 * keeps only the first 24,000 characters, aws-facts 4.3: a cut page loses it), its count must match the member
 * lines, and the names must ascend (ordinal) after `after` up to `next`. A member the parser cannot read makes the
 * page unusable rather than silently shorter.
 */
export function parsePage(output: string | undefined, after: string): Parsed<MemberPage> {
  const lines = (output ?? '')
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line.startsWith('GMSA-READY-'));
  const marker = PAGE_LINE.exec(lines.at(-1) ?? '');
  if (!marker) return { ok: false, reason: 'no GMSA-READY-PAGE line at the end (output cut short?)' };
  const [, markedAfter = '', count = '', total = '', next = ''] = marker;
  if (markedAfter !== after) return { ok: false, reason: `page starts after ${markedAfter}, expected ${after}` };
  const members: Member[] = [];
  for (const line of lines.slice(0, -1)) {
    const [, account = '', objectSid = ''] = MEMBER_LINE.exec(line) ?? [];
    if (!patterns.computerAccount.test(account) || !patterns.objectSid.test(objectSid))
      return { ok: false, reason: `unreadable line: ${line.slice(0, 120)}` };
    const previous = members.at(-1)?.account ?? (after === FIRST_PAGE ? '' : after);
    if (!(account > previous)) return { ok: false, reason: `${account} is out of order after ${previous}` };
    members.push({ account, objectSid });
  }
  if (members.length !== Number(count))
    return { ok: false, reason: `page lists ${members.length} members, its marker says ${count}` };
  if (members.length > Number(total)) return { ok: false, reason: `page lists more members than the group's ${total}` };
  const last = members.at(-1)?.account;
  if (next !== LAST_PAGE && (next !== last || members.length === 0))
    return { ok: false, reason: `page ends at ${last ?? 'nothing'} but says the next starts after ${next}` };
  return { ok: true, value: { after, members, total: Number(total), next } };
}

/**
 * The whole group from its pages, in the order they were read, or why they do not prove it: the first starts at
 * the beginning, each starts where the one before ended, the last says END, no SID twice. Members that join or
 * leave while the pages are read land on either side of the page boundary, as in any listing taken over time;
 * when every page saw the same group size, the pages must add up to it.
 */
export function assembleListing(pages: readonly MemberPage[]): Parsed<Member[]> {
  const members: Member[] = [];
  const sids = new Set<string>();
  let after = FIRST_PAGE;
  for (const [i, page] of pages.entries()) {
    if (page.after !== after) return { ok: false, reason: `page ${i + 1} starts after ${page.after}, not ${after}` };
    for (const member of page.members) {
      if (sids.has(member.objectSid)) return { ok: false, reason: `${member.objectSid} is listed twice` };
      sids.add(member.objectSid);
      members.push(member);
    }
    after = page.next;
  }
  if (after !== LAST_PAGE) return { ok: false, reason: `the pages stop after ${after}, before the end of the group` };
  const totals = new Set(pages.map((page) => page.total));
  const [total] = totals;
  if (totals.size === 1 && total !== members.length)
    return { ok: false, reason: `the pages list ${members.length} members of a group of ${total}` };
  return { ok: true, value: members };
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
  return { stray, unknown, recorded: members.length - unknown.length };
}
