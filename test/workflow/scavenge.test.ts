import { describe, expect, it } from 'vitest';
import { parseMembers, planScavenge } from '../../lib/workflow/scavenge';
import type { HostRecord } from '../../lib/workflow/types';
import { identityOf, memberLine } from '../support/identities';
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
