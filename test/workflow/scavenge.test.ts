import { describe, expect, it } from 'vitest';
import { parseMembers, planScavenge } from '../../lib/workflow/scavenge';
import type { HostRecord } from '../../lib/workflow/types';
import { DEAUTH_CMD, readyHost, sent, status } from './harness';

function record(instanceId: string, computerName: string | undefined, recordStatus: HostRecord['status']): HostRecord {
  const base = readyHost().r;
  return { ...base, instanceId, computerName, status: recordStatus };
}

describe('scavenger', () => {
  it('reads member accounts from the ListMembers output, ignoring noise and case', () => {
    const output = [
      'GMSA-READY-MEMBER ec2amaz-aaaaaa$',
      'WARNING: something',
      'GMSA-READY-MEMBER BUILD01$',
      'GMSA-READY-MEMBER NOTANACCOUNT',
      '',
    ].join('\r\n');
    expect(parseMembers(output)).toEqual(['EC2AMAZ-AAAAAA$', 'BUILD01$']);
    expect(parseMembers(undefined)).toEqual([]);
  });

  it('removes terminated hosts, reports unknown members, and spares names live hosts hold', () => {
    const records = [
      record('i-00000000000000001', 'EC2AMAZ-GONE01', 'TERMINATED'),
      record('i-00000000000000002', 'EC2AMAZ-LIVE01', 'READY'),
      // An IP-derived name reused by a new host: the live one wins.
      record('i-00000000000000003', 'IP-10-0-0-7', 'TERMINATED'),
      record('i-00000000000000004', 'IP-10-0-0-7', 'LAUNCHING'),
      record('i-00000000000000005', undefined, 'TERMINATED'),
    ];
    const plan = planScavenge(['EC2AMAZ-GONE01$', 'EC2AMAZ-LIVE01$', 'IP-10-0-0-7$', 'BUILD01$'], records);
    expect(plan).toEqual({ stray: ['i-00000000000000001'], unknown: ['BUILD01$'] });
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
