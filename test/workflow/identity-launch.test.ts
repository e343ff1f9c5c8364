// Issue 13 in the core: authorize only the account this host's join created, proven by the directory, and
// act on its objectSID ever after. Each refusal fails the launch before anything is added to any group.
import { describe, expect, it } from 'vitest';
import type { DirectoryIdentity } from '../../lib/workflow/group-output';
import { cleanupBackoff } from '../../lib/workflow/timing';
import { identityOf, resolveOutput } from '../support/identities';
import {
  agent,
  claimed,
  DEAUTH_CMD,
  done,
  type Host,
  IDENTITY,
  JOIN_CMD,
  joinSent,
  lifecycle,
  RESOLVE_CMD,
  readyHost,
  sent,
  status,
  T0,
  TOKEN2,
  tick,
} from './harness';

const joinedName = 'EC2AMAZ-7Q2LK9D.corp.example.com';

/** Through join and identify: the resolve is queued. */
function resolving(reported = joinedName): Host {
  return joinSent().after(240, status(JOIN_CMD, 'Success')).now(agent(true, reported));
}

/** The resolve reports `identity` for the account the host named. */
function resolvedAs(identity: DirectoryIdentity, reported = joinedName): Host {
  const name = reported.split('.')[0]?.toUpperCase();
  return resolving(reported)
    .now(done('enqueueGroupChange'))
    .after(4, sent('resolve', RESOLVE_CMD))
    .after(6, status(RESOLVE_CMD, 'Success', resolveOutput({ ...identity, sAMAccountName: `${name}$` })));
}

function expectRefused(h: Host, because: string): void {
  expect(h.r.step).toBe('complete');
  expect(h.r.failedStep).toBe('resolve');
  expect(h.r.reason).toBe(`resolve: group-identity-refused: ${because}`);
  expect(h.r.identity).toBeUndefined();
  expect(h.r.inGroup).toBe(false);
  expect(h.one('completeLifecycleAction').result).toBe('ABANDON');
  // Nothing was ever added to any group.
  expect(h.all.filter((e) => e.type === 'enqueueGroupChange' && e.change.action !== 'resolve')).toEqual([]);
  h.now(done('completeLifecycleAction'));
  expect(h.r.status).toBe('FAILED');
}

describe('resolve: the directory proves the account before any add', () => {
  it('asks the management host to read the account, with no objectSID and no membership change', () => {
    const h = resolving();
    expect(h.r).toMatchObject({ step: 'resolve', hostFqdn: 'ec2amaz-7q2lk9d.corp.example.com', inGroup: false });
    expect(h.one('enqueueGroupChange').change).toEqual({
      instanceId: h.instanceId,
      fleet: 'orders',
      managementInstanceId: 'i-0123456789abcdef0',
      domainName: 'corp.example.com',
      hostGroup: 'OrdersApiHosts',
      computerAccount: 'EC2AMAZ-7Q2LK9D$',
      objectSid: undefined,
      action: 'resolve',
      deleteComputerAccount: false,
      purpose: 'resolve',
    });
  });

  it('claims the verified identity, stores it, and only then adds that objectSID', () => {
    const h = resolvedAs(IDENTITY);
    expect(h.actions()).toEqual([{ type: 'claimIdentity', identity: IDENTITY }]);
    expect(h.r.identity).toBeUndefined();
    h.now(claimed(IDENTITY));
    expect(h.r).toMatchObject({ step: 'authorize', identity: IDENTITY, inGroup: true });
    expect(h.one('enqueueGroupChange').change).toMatchObject({
      action: 'add',
      purpose: 'authorize',
      objectSid: IDENTITY.objectSid,
    });
  });

  it('refuses an account created before this instance launched (a name another machine had)', () => {
    const old = { ...IDENTITY, whenCreated: T0 - 86_400 * 400 };
    expectRefused(
      resolvedAs(old),
      `account EC2AMAZ-7Q2LK9D$ (${IDENTITY.objectSid}) was created 2025-12-11T08:00:00Z, before this instance launched (2027-01-15T08:00:00Z, 300 s skew allowed): this host's join did not create it`,
    );
  });

  it('allows the directory clock to trail by the stated skew', () => {
    const h = resolvedAs({ ...IDENTITY, whenCreated: T0 - 300 }).now(claimed({ ...IDENTITY, whenCreated: T0 - 300 }));
    expect(h.r.step).toBe('authorize');
  });

  it("refuses an account outside the fleet's directory.ou", () => {
    const dn = 'CN=EC2AMAZ-7Q2LK9D,OU=Servers,DC=corp,DC=example,DC=com';
    expectRefused(
      resolvedAs({ ...IDENTITY, distinguishedName: dn }),
      `account EC2AMAZ-7Q2LK9D$ (${IDENTITY.objectSid}) is ${dn}, outside the fleet's OU OU=Hosts,DC=corp,DC=example,DC=com`,
    );
  });

  it("refuses an account whose dNSHostName is not the host's joined FQDN", () => {
    expectRefused(
      resolvedAs({ ...IDENTITY, dNSHostName: 'fs01.corp.example.com' }),
      `account EC2AMAZ-7Q2LK9D$ (${IDENTITY.objectSid}) has dNSHostName fs01.corp.example.com, not this host's joined name ec2amaz-7q2lk9d.corp.example.com`,
    );
  });

  it('refuses an account another live record holds', () => {
    const h = resolvedAs(IDENTITY).now(
      claimed(IDENTITY, { instanceId: 'i-0fffffffffffffff1', status: 'READY', objectSid: IDENTITY.objectSid }),
    );
    expectRefused(
      h,
      `account EC2AMAZ-7Q2LK9D$ (${IDENTITY.objectSid}) is held by another live record, i-0fffffffffffffff1 (READY)`,
    );
  });

  it('takes over a claim whose holder is terminated, then proceeds', () => {
    const h = resolvedAs(IDENTITY).now(
      claimed(IDENTITY, { instanceId: 'i-0fffffffffffffff1', status: 'TERMINATED', objectSid: IDENTITY.objectSid }),
    );
    expect(h.actions()).toEqual([{ type: 'claimIdentity', identity: IDENTITY, replacing: 'i-0fffffffffffffff1' }]);
    h.now(claimed(IDENTITY));
    expect(h.r.step).toBe('authorize');
  });

  it('refuses an identity report that does not validate, naming the field', () => {
    const h = resolving()
      .now(done('enqueueGroupChange'))
      .after(4, sent('resolve', RESOLVE_CMD))
      .after(
        6,
        status(
          RESOLVE_CMD,
          'Success',
          'GMSA-READY-IDENTITY EC2AMAZ-7Q2LK9D$ {"sAMAccountName":"EC2AMAZ-7Q2LK9D$"}\nGMSA-READY-RESULT EC2AMAZ-7Q2LK9D$ ok',
        ),
      );
    expectRefused(
      h,
      'account EC2AMAZ-7Q2LK9D$: identity objectSid: Invalid input: expected string, received undefined',
    );
  });

  it('refuses the account a host names when it is another machine (the host reports a file server name)', () => {
    // The host claims FS01; the directory says FS01$ is a years-old server in another OU.
    const fs01 = identityOf('FS01', 1200, {
      whenCreated: T0 - 86_400 * 900,
      distinguishedName: 'CN=FS01,OU=Servers,DC=corp,DC=example,DC=com',
    });
    const h = resolvedAs(fs01, 'FS01.corp.example.com');
    expect(h.r.computerName).toBe('FS01');
    expect(h.r.reason).toContain(`resolve: group-identity-refused: account FS01$ (${fs01.objectSid}) was created`);
    expect(h.all.filter((e) => e.type === 'enqueueGroupChange' && e.change.action !== 'resolve')).toEqual([]);
  });

  it('resolves again when the claim could not be written', () => {
    const h = resolvedAs(IDENTITY).now((at) => ({
      type: 'failed',
      at,
      effect: 'claimIdentity',
      kind: 'retryable',
      message: 'ProvisionedThroughputExceededException',
    }));
    expect(h.one('wake').delaySeconds).toBe(30);
    h.after(30, (at) => ({ type: 'tick', at, wake: true }));
    expect(h.one('enqueueGroupChange').change).toMatchObject({ action: 'resolve' });
  });

  it('fails an add whose proven object has vanished since', () => {
    const h = resolvedAs(IDENTITY)
      .now(claimed(IDENTITY))
      .now(sent('authorize', 'aaaaaaaa-0000-0000-0000-0000000000c1'))
      .after(
        8,
        status(
          'aaaaaaaa-0000-0000-0000-0000000000c1',
          'Failed',
          `GMSA-READY-RESULT EC2AMAZ-7Q2LK9D$ gone object ${IDENTITY.objectSid} no longer exists; no object holds the name now`,
        ),
      );
    expect(h.r.failedStep).toBe('authorize');
    expect(h.r.reason).toContain('no longer exists');
  });
});

describe('act by SID: remove and delete touch only the recorded object', () => {
  const gone = `GMSA-READY-RESULT EC2AMAZ-7Q2LK9D$ gone object ${IDENTITY.objectSid} no longer exists; the name now belongs to S-1-5-21-3623811015-3361044348-30300820-9999, left alone`;

  function cleanupPending(): Host {
    return readyHost()
      .after(600, (at) => lifecycle('terminate', at, { token: TOKEN2 }))
      .now(done('deleteReadyAttribute'))
      .now(done('drain'))
      .after(5, (at) => ({ type: 'drainStatus', at, standaloneTasks: 0 }))
      .now(sent('deauthorize', DEAUTH_CMD))
      .after(8, status(DEAUTH_CMD, 'Failed', 'GMSA-READY-RESULT EC2AMAZ-7Q2LK9D$ error The server is not operational'))
      .now(done('completeLifecycleAction'));
  }

  it('sends the recorded objectSID with every removal and deletion', () => {
    const h = cleanupPending();
    expect(h.r.status).toBe('CLEANUP_PENDING');
    const changes = h.all.flatMap((e) => (e.type === 'enqueueGroupChange' ? [e.change] : []));
    expect(changes.filter((c) => c.purpose === 'deauthorize').map((c) => c.objectSid)).toEqual([IDENTITY.objectSid]);
  });

  it('skips the deletion when the name now belongs to another object, reports it and finishes', () => {
    // While the cleanup was pending, someone deleted the account and a new host joined with the same name.
    const h = cleanupPending().after(cleanupBackoff(1), tick);
    expect(h.one('enqueueGroupChange').change).toMatchObject({
      action: 'remove',
      deleteComputerAccount: true,
      objectSid: IDENTITY.objectSid, // the script re-checks this SID before this attempt
    });
    const RETRY = 'aaaaaaaa-0000-0000-0000-0000000000c2';
    h.now(sent('deauthorize', RETRY)).after(8, status(RETRY, 'Success', gone));
    expect(h.r.status).toBe('TERMINATED');
    expect(h.one('log')).toMatchObject({
      level: 'warn',
      message: `EC2AMAZ-7Q2LK9D$: object ${IDENTITY.objectSid} no longer exists; the name now belongs to S-1-5-21-3623811015-3361044348-30300820-9999, left alone`,
    });
    expect(h.r.history.map((e) => e.detail)).toContainEqual(expect.stringContaining('left alone'));
  });
});
