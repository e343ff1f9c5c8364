// Adoption (issue 11): the sweep finds an instance InService that no record serves. The core identifies it,
// reads its account and membership (by objectSID) and verifies it, changing nothing on the host: READY when
// joined, in the group and verified, else a status that names what is missing. Its scale-in then cleans up.
import { describe, expect, it } from 'vitest';
import { ADOPT_PLAN } from '../../lib/workflow/adopt';
import type { Effect, Signal } from '../../lib/workflow/types';
import { identityOf, resolveOutput } from '../support/identities';
import {
  agent,
  claimed,
  DEAUTH_CMD,
  domainless,
  done,
  Host,
  inspected,
  lifecycle,
  RESOLVE_CMD,
  sent,
  status,
  T0,
  windows,
} from './harness';

const inService = (at: number): Extract<Signal, { type: 'groupState' }> => ({
  type: 'groupState',
  at,
  state: 'InService',
  autoScalingGroupName: 'prod-ecs-win-orders',
});

/** The host's account, created a year before the sweep found it: its age proves nothing either way. */
const OLD = identityOf('EC2AMAZ-7Q2LK9D', 1105, { whenCreated: T0 - 365 * 86_400 });

/** Effects that would change the host, its directory account or its lifecycle: adoption asks for none. */
const CHANGES: Effect['type'][] = [
  'sendCommand',
  'completeLifecycleAction',
  'recordHeartbeat',
  'drain',
  'deleteReadyAttribute',
];

function found(): Host {
  return new Host().send(inService(T0));
}

/** Found, identified as joined, and the resolve answered with the account's identity and membership. */
function resolved(member: boolean, identity = OLD): Host {
  return found()
    .after(5, agent(true, 'EC2AMAZ-7Q2LK9D.corp.example.com'))
    .now(done('enqueueGroupChange'))
    .after(4, sent('resolve', RESOLVE_CMD))
    .after(6, status(RESOLVE_CMD, 'Success', resolveOutput(identity, member)));
}

describe('adopting a running host with no record', () => {
  it('runs identify → resolve → verify → ready', () => {
    expect(ADOPT_PLAN).toEqual(['identify', 'resolve', 'verify', 'ready']);
  });

  it('starts at identify with no lifecycle action, asking SSM for the host', () => {
    const h = found();
    expect(h.r).toMatchObject({ status: 'ADOPTING', step: 'identify' });
    expect(h.r.lifecycle).toBeUndefined();
    expect(h.actions()).toEqual([{ type: 'describeAgent', instanceId: h.instanceId }]);
  });

  it('ends READY when joined, in the group by objectSID and verified, with the ready attribute its only write', () => {
    const h = resolved(true);
    expect(h.one('claimIdentity').identity).toEqual(OLD);
    h.now(claimed(OLD));
    expect(h.r).toMatchObject({ step: 'verify', inGroup: true, joined: true, identity: OLD });
    h.now(inspected());
    expect(h.one('putReadyAttribute')).toMatchObject({ name: 'gmsa-ready' });
    h.now(done('putReadyAttribute'));
    expect(h.r).toMatchObject({ status: 'READY', step: 'done', ready: true, computerName: 'EC2AMAZ-7Q2LK9D' });
    expect(h.all.filter((e) => CHANGES.includes(e.type))).toEqual([]);
    // The only group change asked for is the read-only resolve.
    expect(h.all.filter((e) => e.type === 'enqueueGroupChange').map((e) => e.change.action)).toEqual(['resolve']);
  });

  it('reads the account by name but records the objectSID the directory reports for it', () => {
    const h = resolved(true);
    const change = h.all.find((e) => e.type === 'enqueueGroupChange');
    expect(change).toMatchObject({ change: { action: 'resolve', computerAccount: 'EC2AMAZ-7Q2LK9D$' } });
    h.now(claimed(OLD));
    expect(h.r.identity?.objectSid).toBe(OLD.objectSid);
  });

  it('ends ADOPTED_NOT_IN_GROUP, host untouched, when its proven account is not a member', () => {
    const h = resolved(false).now(claimed(OLD));
    expect(h.r).toMatchObject({ status: 'ADOPTED_NOT_IN_GROUP', step: 'done', inGroup: false, identity: OLD });
    expect(h.r.reason).toContain('is not in');
    expect(h.all.filter((e) => CHANGES.includes(e.type) || e.type === 'putReadyAttribute')).toEqual([]);
  });

  it('ends ADOPTED_NOT_JOINED when SSM reports a name outside the domain, without joining it', () => {
    const h = found().after(5, agent(true, 'EC2AMAZ-7Q2LK9D.WORKGROUP'));
    expect(h.r).toMatchObject({ status: 'ADOPTED_NOT_JOINED', step: 'done', joined: false });
    expect(h.r.reason).toContain("not joined to corp.example.com (SSM reports 'EC2AMAZ-7Q2LK9D.WORKGROUP')");
    expect(h.all.filter((e) => CHANGES.includes(e.type) || e.type === 'enqueueGroupChange')).toEqual([]);
  });

  it('ends ADOPTED_NOT_VERIFIED when the account is not the host’s (its dNSHostName names another host)', () => {
    const other = identityOf('EC2AMAZ-7Q2LK9D', 1105, {
      whenCreated: OLD.whenCreated,
      dNSHostName: 'web9.corp.example.com',
    });
    const h = resolved(true, other);
    expect(h.r).toMatchObject({ status: 'ADOPTED_NOT_VERIFIED', inGroup: false });
    expect(h.r.identity).toBeUndefined();
    expect(h.r.reason).toContain('dNSHostName web9.corp.example.com');
  });

  it('ends ADOPTED_NOT_VERIFIED when the resolve prints no membership for the objectSID it resolved', () => {
    const output = resolveOutput(OLD, true).replace(OLD.objectSid, 'S-1-5-21-1-2-3-4');
    const h = found()
      .after(5, agent(true, 'EC2AMAZ-7Q2LK9D.corp.example.com'))
      .now(done('enqueueGroupChange'))
      .after(4, sent('resolve', RESOLVE_CMD))
      .after(6, status(RESOLVE_CMD, 'Success', output));
    expect(h.r.status).toBe('ADOPTED_NOT_VERIFIED');
    expect(h.r.reason).toContain('no membership');
  });

  it('refuses an account another live record holds', () => {
    const h = resolved(true).now(
      claimed(OLD, { instanceId: 'i-0fffffffffffffff1', status: 'READY', objectSid: OLD.objectSid }),
    );
    expect(h.r).toMatchObject({ status: 'ADOPTED_NOT_VERIFIED', inGroup: false });
    expect(h.r.identity).toBeUndefined();
    expect(h.r.reason).toContain('held by another live record');
  });

  it('ends ADOPTED_NOT_VERIFIED, naming the wait, when ECS never shows the gMSA capability', () => {
    const h = resolved(true)
      .now(claimed(OLD))
      .now(inspected({ capability: 'ecs.capability.other' }));
    expect(h.r).toMatchObject({ status: 'ADOPTING', step: 'verify' });
    h.after(1300, (at) => ({ type: 'tick', at }));
    expect(h.r.status).toBe('ADOPTED_NOT_VERIFIED');
    expect(h.r.reason).toContain('does not advertise ecs.capability.gmsa');
    expect(h.all.filter((e) => e.type === 'putReadyAttribute')).toEqual([]);
  });

  it('adopts a domainless host from verify: no directory steps', () => {
    const group = domainless.autoScalingGroups[0] as string;
    const h = new Host(domainless).send({
      type: 'groupState',
      at: T0,
      state: 'InService',
      autoScalingGroupName: group,
    });
    expect(h.r).toMatchObject({ status: 'ADOPTING', step: 'verify' });
  });

  it('is not started again for a host whose record is settled, adopted or not', () => {
    const h = resolved(false).now(claimed(OLD));
    h.after(3600, inService);
    expect(h.changed).toBe(false);
  });

  it('scales in like any other host: out of the group by its objectSID, account deleted per deleteComputerAccount', () => {
    const h = resolved(true).now(claimed(OLD)).now(inspected()).now(done('putReadyAttribute'));
    h.after(600, (at) => lifecycle('terminate', at))
      .now(done('deleteReadyAttribute'))
      .now(done('drain'))
      .now((at) => ({ type: 'drainStatus', at, standaloneTasks: 0 }));
    const removal = h.one('enqueueGroupChange').change;
    expect(removal).toMatchObject({
      action: 'remove',
      objectSid: OLD.objectSid,
      computerAccount: 'EC2AMAZ-7Q2LK9D$',
      deleteComputerAccount: windows.deleteComputerAccount,
    });
    h.now(done('enqueueGroupChange'))
      .after(4, sent('deauthorize', DEAUTH_CMD))
      .after(6, status(DEAUTH_CMD, 'Success', 'GMSA-READY-RESULT EC2AMAZ-7Q2LK9D$ ok'))
      .now(done('completeLifecycleAction'));
    expect(h.r).toMatchObject({ status: 'TERMINATED', inGroup: false });
  });
});
