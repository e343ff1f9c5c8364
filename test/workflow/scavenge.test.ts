import { describe, expect, it } from 'vitest';
import {
  assembleListing,
  FIRST_PAGE,
  LAST_PAGE,
  MEMBERS_PER_PAGE,
  type Member,
  type MemberPage,
  parseMembers,
  parsePage,
  planScavenge,
} from '../../lib/workflow/scavenge';
import type { HostRecord } from '../../lib/workflow/types';
import { generatedMember, identityOf, listMembersPage, memberLine } from '../support/identities';
import { DEAUTH_CMD, readyHost, sent, status } from './harness';

function record(
  instanceId: string,
  computerName: string | undefined,
  recordStatus: HostRecord['status'],
  rid?: number,
): HostRecord {
  const base = readyHost().r;
  const identity = computerName && rid ? identityOf(computerName, rid) : undefined;
  return { ...base, instanceId, computerName, identity, status: recordStatus };
}

describe('scavenger', () => {
  it('reads member accounts and their SIDs from the ListMembers output, ignoring noise and case', () => {
    const sid = 'S-1-5-21-1-2-3-1105';
    const output = [
      `GMSA-READY-MEMBER ec2amaz-aaaaaa$ ${sid}`,
      'WARNING: something',
      'GMSA-READY-MEMBER BUILD01$ S-1-5-21-1-2-3-500',
      'GMSA-READY-MEMBER NOTANACCOUNT S-1-5-21-1-2-3-501',
      'GMSA-READY-MEMBER NOSID$',
      'GMSA-READY-MEMBER BADSID$ S-1-5-32-544',
      '',
    ].join('\r\n');
    expect(parseMembers(output)).toEqual([
      { account: 'EC2AMAZ-AAAAAA$', objectSid: sid },
      { account: 'BUILD01$', objectSid: 'S-1-5-21-1-2-3-500' },
    ]);
    expect(parseMembers(undefined)).toEqual([]);
  });

  it('compares by SID: removes terminated hosts, reports unknown members, spares live hosts and reused names', () => {
    const records = [
      record('i-00000000000000001', 'EC2AMAZ-GONE01', 'TERMINATED', 1001),
      record('i-00000000000000002', 'EC2AMAZ-LIVE01', 'READY', 1002),
      // An IP-derived name reused by a new host: each record holds its own SID.
      record('i-00000000000000003', 'IP-10-0-0-7', 'TERMINATED', 1003),
      record('i-00000000000000004', 'IP-10-0-0-7', 'LAUNCHING', 1004),
      record('i-00000000000000005', undefined, 'TERMINATED'),
      // A record from before identities: its name alone proves nothing.
      record('i-00000000000000006', 'OLD01', 'TERMINATED'),
    ];
    const members = parseMembers(
      [
        identityOf('EC2AMAZ-GONE01', 1001),
        identityOf('EC2AMAZ-LIVE01', 1002),
        identityOf('IP-10-0-0-7', 1004),
        identityOf('BUILD01', 500),
        identityOf('OLD01', 600),
      ]
        .map(memberLine)
        .join('\n'),
    );
    const plan = planScavenge(members, records);
    expect(plan).toEqual({
      stray: ['i-00000000000000001'],
      unknown: [`BUILD01$ ${identityOf('BUILD01', 500).objectSid}`, `OLD01$ ${identityOf('OLD01', 600).objectSid}`],
      // GONE01 (terminated), LIVE01 and the new IP-10-0-0-7 (live): members a record holds.
      recorded: 3,
    });
    // The terminated holder of the reused name is found by its own SID, not by the name.
    expect(planScavenge(parseMembers(memberLine(identityOf('IP-10-0-0-7', 1003))), records).stray).toEqual([
      'i-00000000000000003',
    ]);
  });

  it('sends a stray member of a terminated host back through deauthorize', () => {
    const ok = 'GMSA-READY-RESULT EC2AMAZ-7Q2LK9D$ ok';
    const h = readyHost()
      .after(600, (at) => ({ type: 'instanceGone', at, state: 'terminated' }))
      .now(sent('deauthorize', DEAUTH_CMD))
      .after(8, status(DEAUTH_CMD, 'Success', ok));
    expect(h.r.status).toBe('TERMINATED');
    h.after(3600, (at) => ({ type: 'strayMember', at }));
    expect(h.r).toMatchObject({ status: 'CLEANUP_PENDING', step: 'deauthorize', inGroup: true });
    expect(h.one('enqueueGroupChange').change).toMatchObject({ action: 'remove', computerAccount: 'EC2AMAZ-7Q2LK9D$' });
    const AGAIN = 'aaaaaaaa-0000-0000-0000-0000000000aa';
    h.now(sent('deauthorize', AGAIN)).after(8, status(AGAIN, 'Success', ok));
    expect(h.r.status).toBe('TERMINATED');
    expect(h.of('completeLifecycleAction')).toEqual([]);
  });

  it('ignores a stray report for a host that is not terminated', () => {
    const h = readyHost().after(10, (at) => ({ type: 'strayMember', at }));
    expect(h.changed).toBe(false);
  });
});

describe('ListMembers pages', () => {
  const group = Array.from({ length: 450 }, (_, i) => generatedMember(i + 1));
  const read = (after: string, members = group) => {
    const page = parsePage(listMembersPage(members, after), after);
    if (!page.ok) throw new Error(page.reason);
    return page.value;
  };
  /** The pages of a whole listing, each starting where the one before ended. */
  const allPages = (members = group): MemberPage[] => {
    const pages = [read(FIRST_PAGE, members)];
    for (let last = pages[0]; last && last.next !== LAST_PAGE; ) {
      last = read(last.next, members);
      pages.push(last);
    }
    return pages;
  };

  it('reads a page: its members in order, the group size and where the next page starts', () => {
    const page = read(FIRST_PAGE);
    expect(page.members).toHaveLength(MEMBERS_PER_PAGE);
    expect(page.members[0]).toEqual(generatedMember(1));
    expect(page).toMatchObject({ after: '-', total: 450, next: 'HOST00200$' });
    expect(read('HOST00400$')).toMatchObject({ next: LAST_PAGE, total: 450 });
  });

  it('assembles a group larger than one page from its pages, every member once', () => {
    const pages = allPages();
    expect(pages.map((p) => p.members.length)).toEqual([200, 200, 50]);
    const listed = assembleListing(pages);
    expect(listed).toEqual({ ok: true, value: group });
    expect(assembleListing([read(FIRST_PAGE, [])])).toEqual({ ok: true, value: [] });
  });

  it.each([
    ['output cut short (the marker lost)', (o: string) => o.slice(0, 5000), /no GMSA-READY-PAGE line/],
    [
      'a member line lost',
      (o: string) => o.replace(/GMSA-READY-MEMBER HOST00007\$ \S+\r\n/, ''),
      /lists 199 members, its marker says 200/,
    ],
    ['lines out of order', (o: string) => o.replace('HOST00007$', 'HOST00107$'), /out of order/],
    ['an unreadable member', (o: string) => o.replace('HOST00007$', 'HOST 7$'), /unreadable line/],
    [
      'a next that is not the last name',
      (o: string) => o.replace(/HOST00200\$\r\n$/, 'HOST00300$\r\n'),
      /next starts after HOST00300/,
    ],
  ])('refuses a page with %s', (_, damage, reason) => {
    const page = parsePage(damage(listMembersPage(group, FIRST_PAGE)), FIRST_PAGE);
    expect(page.ok).toBe(false);
    expect(page.ok ? '' : page.reason).toMatch(reason);
  });

  it('refuses a page that starts somewhere other than it was asked to', () => {
    expect(parsePage(listMembersPage(group, 'HOST00200$'), 'HOST00100$')).toEqual({
      ok: false,
      reason: 'page starts after HOST00200$, expected HOST00100$',
    });
  });

  it('refuses page sets with a gap, a duplicate, a missing end or a short count: partial, never a guess', () => {
    const [first, second, third] = allPages() as [MemberPage, MemberPage, MemberPage];
    const refused = (pages: MemberPage[]) => {
      const listed = assembleListing(pages);
      return listed.ok ? 'complete' : listed.reason;
    };
    expect(refused([first, third])).toBe('page 2 starts after HOST00400$, not HOST00200$');
    expect(refused([second, third])).toBe('page 1 starts after HOST00200$, not -');
    expect(refused([first, second])).toBe('the pages stop after HOST00400$, before the end of the group');
    expect(refused([first, first, second, third])).toMatch(/^page 2 starts after -/);
    const twice = { ...second, members: [...second.members.slice(0, -1), first.members[0] as Member] };
    expect(refused([first, twice, third])).toBe(`${first.members[0]?.objectSid} is listed twice`);
    const short = { ...third, members: third.members.slice(0, -1) };
    expect(refused([first, second, short])).toBe('the pages list 449 members of a group of 450');
  });

  it('accepts a listing over which the group changed size (members read on either side of a page boundary)', () => {
    const [first] = allPages();
    // Two hosts joined (at the start of the order) after the first page was read: the later pages see 452.
    const grown = [
      ...group,
      { account: 'A1$', objectSid: `${group[0]?.objectSid}1` },
      { account: 'A2$', objectSid: `${group[0]?.objectSid}2` },
    ];
    const rest = [read('HOST00200$', grown), read('HOST00400$', grown)];
    const listed = assembleListing([first as MemberPage, ...rest]);
    expect(listed.ok && listed.value.length).toBe(450);
  });
});
