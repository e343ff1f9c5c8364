// Root volume replacement (issue 11): the same instance id is retired by its terminate action and comes back
// with a fresh OS; the launch action that follows opens a new generation on the record, history kept.
import { describe, expect, it } from 'vitest';
import { identityOf } from '../support/identities';
import {
  agent,
  DEAUTH_CMD,
  done,
  type Host,
  IDENTITY,
  JOIN_CMD,
  lifecycle,
  readyHost,
  sent,
  status,
  TOKEN,
  TOKEN2,
} from './harness';

const TOKEN3 = '33333333-4444-5555-6666-777777777777';
const ok = 'GMSA-READY-RESULT EC2AMAZ-7Q2LK9D$ ok';
const rvr = { origin: 'AutoScalingGroup', destination: 'AutoScalingGroup', action: 'ReplaceRootVolume' } as const;

/** A READY Windows host whose root volume replacement retired it: terminate done, TERMINATED. */
function retired(): Host {
  return readyHost()
    .after(3600, (at) => lifecycle('terminate', at, { token: TOKEN2, ...rvr }))
    .now((at) => ({ type: 'drainStatus', at, standaloneTasks: 0 }))
    .now(sent('deauthorize', DEAUTH_CMD))
    .after(8, status(DEAUTH_CMD, 'Success', ok))
    .now(done('completeLifecycleAction'));
}

describe('a launch action for an instance whose record is TERMINATED', () => {
  it('retires the old identity first: out of the group, account deleted, terminate completed CONTINUE', () => {
    const h = retired();
    expect(h.all.filter((e) => e.type === 'enqueueGroupChange')).toContainEqual(
      expect.objectContaining({ change: expect.objectContaining({ action: 'remove', deleteComputerAccount: true }) }),
    );
    expect(h.r).toMatchObject({ status: 'TERMINATED', joined: false, inGroup: false });
  });

  it('opens a new generation and runs a full launch: new join, new account, history kept', () => {
    const h = retired();
    const last = h.r.history.at(-1);
    h.after(400, (at) => lifecycle('launch', at, { token: TOKEN3, ...rvr }));
    expect(h.r).toMatchObject({
      status: 'LAUNCHING',
      step: 'agent',
      generation: 2,
      joined: false,
      inGroup: false,
      ready: false,
      lifecycle: { transition: 'launch', token: TOKEN3, action: 'ReplaceRootVolume' },
    });
    expect(h.r.computerName).toBeUndefined();
    expect(h.r.terminatedAt).toBeUndefined();
    // The old generation's last entries stay (the record keeps its last HISTORY_LIMIT), the new one's follow.
    expect(last?.detail).toBe('lifecycle action completed CONTINUE');
    expect(h.r.history).toContainEqual(last);
    expect(h.r.history.map((e) => e.detail)).toContain(
      'generation 2 of i-0a1b2c3d4e5f60718 begins (ReplaceRootVolume): generation 1 was retired',
    );
    // The agent step starts again; its first look waits for the wake on the poll grid.
    expect(h.r.step).toBe('agent');
    expect(h.one('wake')).toMatchObject({ instanceId: h.instanceId });

    // The fresh OS is not joined: the join runs again, and the new account is authorized.
    h.after(60, agent(true, 'EC2AMAZ-7Q2LK9D.WORKGROUP'));
    expect(h.one('sendCommand')).toMatchObject({ purpose: 'join' });
    h.now(sent('join', JOIN_CMD)).after(240, status(JOIN_CMD, 'Success'));
    expect(h.r.identity).toBeUndefined();
    h.now(agent(true, 'EC2AMAZ-7Q2LK9D.corp.example.com'));
    // The new account is proven from the directory before anything is added: the old SID is never reused.
    expect(h.one('enqueueGroupChange').change).toMatchObject({ action: 'resolve' });
    const created = (h.r.lifecycle?.startedAt ?? 0) + 300; // the new join made it, after this launch began
    h.resolve(identityOf('EC2AMAZ-7Q2LK9D', 4242, { whenCreated: created }));
    expect(h.one('enqueueGroupChange').change).toMatchObject({
      action: 'add',
      purpose: 'authorize',
      objectSid: h.r.identity?.objectSid,
    });
    expect(h.r.identity?.objectSid).not.toBe(IDENTITY.objectSid);
  });

  it('still ignores a late copy of the first generation launch event', () => {
    const h = retired().after(60, (at) => lifecycle('launch', at, { token: TOKEN }));
    expect(h.changed).toBe(false);
    expect(h.r.status).toBe('TERMINATED');
  });
});
