// The scavenger's paged listing (lib/engine/scavenge.ts followListing): each ListMembers page's status is read,
// the next page asked for through the directory queue, and only a listing the pages prove whole is judged.
import { describe, expect, it } from 'vitest';
import type { CommandRef } from '../../lib/engine/ports';
import { followListing, lastScavenge, type PageRequest } from '../../lib/engine/scavenge';
import type { HostRecord } from '../../lib/workflow/types';
import { bareRecord } from '../store/records';
import { generatedMember, identityOf, listMembersPage } from '../support/identities';
import { harness, silent, T0 } from './fakes';

const FIRST = '11111111-2222-3333-4444-000000000000';
const group = Array.from({ length: 450 }, (_, i) => generatedMember(i + 1));
const gone = identityOf('EC2AMAZ-GONE01', 1001);

function terminated(): HostRecord {
  return {
    ...bareRecord(),
    instanceId: 'i-00000000000000001',
    fleet: 'orders',
    computerName: 'EC2AMAZ-GONE01',
    identity: gone,
    status: 'TERMINATED',
    terminatedAt: T0 - 60,
    joined: false,
    inGroup: false,
    version: 1,
  };
}

const command = (page: number, after: string): CommandRef => ({
  commandId: page === 0 ? FIRST : `11111111-2222-3333-4444-00000000000${page}`,
  purpose: 'list-members',
  documentName: 'ListMembers',
  targetInstanceId: 'i-0123456789abcdef0',
  instanceIds: [],
  sentAt: T0,
  fleet: 'orders',
  listing: { id: FIRST, page, after },
});

/** Runs a listing page by page as the queue would, letting `damage` change a page's output. */
async function list(
  members: readonly { account: string; objectSid: string }[],
  damage: (output: string, page: number) => string = (output) => output,
) {
  const h = harness();
  h.effector.script = { enqueueGroupChange: silent };
  await h.store.put(terminated(), undefined);
  const requests: PageRequest[] = [];
  const reasons: string[] = [];
  let next: { page: number; after: string } | undefined = { page: 0, after: '-' };
  while (next) {
    const { page, after } = next;
    next = undefined;
    const output = damage(listMembersPage(members, after), page);
    reasons.push(
      await followListing(h.deps, command(page, after), 'Success', output, async (request) => {
        requests.push(request);
        next = request;
      }),
    );
  }
  return { h, requests, reasons, result: await lastScavenge(h.store, 'orders') };
}

describe('a paged member listing', () => {
  const withStray = [...group, { account: gone.sAMAccountName, objectSid: gone.objectSid }];

  it('reads a group larger than one page, asking for each next page, then judges the whole group once', async () => {
    const { h, requests, reasons, result } = await list(withStray);
    expect(requests).toEqual([
      { fleet: 'orders', listing: FIRST, page: 1, after: 'HOST00199$' },
      { fleet: 'orders', listing: FIRST, page: 2, after: 'HOST00399$' },
    ]);
    expect(reasons.at(-1)).toBe('scavenged: 1 stale, 450 unknown');
    expect(result).toEqual({ members: 451, recorded: 1, stale: 1, unknown: 450, partial: false, at: T0 });
    expect(h.effector.of('enqueueGroupChange').map((e) => e.change)).toEqual([
      expect.objectContaining({ computerAccount: 'EC2AMAZ-GONE01$', action: 'remove', purpose: 'deauthorize' }),
    ]);
  });

  it.each([
    [
      'a truncated page',
      (o: string, page: number) => (page === 1 ? o.slice(0, 4000) : o),
      /page 2: no GMSA-READY-PAGE/,
    ],
    [
      'a page that repeats a member of the page before',
      (o: string, page: number) =>
        page === 1 ? o.replace(/^GMSA-READY-MEMBER \S+ \S+/, `GMSA-READY-MEMBER HOST00200$ ${group[0]?.objectSid}`) : o,
      /listed twice/,
    ],
    [
      'a page missing a member although its own count agrees (a gap)',
      (o: string, page: number) =>
        page === 1
          ? o
              .replace(/GMSA-READY-MEMBER HOST00250\$ \S+\r\n/, '')
              .replace(/ - 200 | HOST00199\$ 200 /, ' HOST00199$ 199 ')
          : o,
      /the pages list 450 members of a group of 451/,
    ],
  ])('is partial and changes nothing for %s', async (_, damage, reason) => {
    const { h, result } = await list(withStray, damage);
    expect(result).toMatchObject({ partial: true, stale: 0, unknown: 0, recorded: 0 });
    expect(result?.reason).toMatch(reason);
    expect(h.effector.of('enqueueGroupChange')).toEqual([]);
    expect((await h.store.get('i-00000000000000001'))?.status).toBe('TERMINATED');
  });

  it('is partial when a page command fails, and follows a page only once when its status event comes twice', async () => {
    const h = harness();
    const requested: PageRequest[] = [];
    const ask = async (request: PageRequest) => {
      requested.push(request);
    };
    const first = listMembersPage(group, '-');
    expect(await followListing(h.deps, command(0, '-'), 'Success', first, ask)).toBe('listing page 1 read');
    expect(await followListing(h.deps, command(0, '-'), 'Success', first, ask)).toBe('listing page already read');
    expect(requested).toHaveLength(1);
    expect(await followListing(h.deps, command(1, 'HOST00199$'), 'InProgress', undefined, ask)).toBe(
      'listing page InProgress',
    );
    await followListing(h.deps, command(1, 'HOST00199$'), 'TimedOut', undefined, ask);
    expect(await lastScavenge(h.store, 'orders')).toMatchObject({
      partial: true,
      reason: 'page 2: ListMembers TimedOut',
    });
  });

  it('asks again for the next page when the queue failed the first time (the retry is not taken for a duplicate)', async () => {
    const h = harness();
    const first = listMembersPage(group, '-');
    const refuse = async () => {
      throw Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
    };
    await expect(followListing(h.deps, command(0, '-'), 'Success', first, refuse)).rejects.toThrow('Rate exceeded');
    const requested: PageRequest[] = [];
    const ask = async (request: PageRequest) => {
      requested.push(request);
    };
    expect(await followListing(h.deps, command(0, '-'), 'Success', first, ask)).toBe('listing page 1 read');
    expect(requested).toEqual([{ fleet: 'orders', listing: FIRST, page: 1, after: 'HOST00200$' }]);
  });

  it('is partial when an earlier page belongs to another listing', async () => {
    const h = harness();
    const ask = async () => {};
    await followListing(h.deps, command(0, '-'), 'Success', listMembersPage(group, '-'), ask);
    // A newer listing's second page lands while the first page on record is the older listing's.
    const other = {
      ...command(1, 'HOST00199$'),
      listing: { id: '99999999-2222-3333-4444-000000000000', page: 1, after: 'HOST00199$' },
    };
    const short = group.slice(0, 300);
    await followListing(h.deps, other, 'Success', listMembersPage(short, 'HOST00199$'), ask);
    expect(await lastScavenge(h.store, 'orders')).toMatchObject({
      partial: true,
      reason: 'an earlier page of this listing is missing',
    });
  });
});
