// The refusals of issue 13, one reason each: the account the host names must be the one its join created.
import { describe, expect, it } from 'vitest';
import type { DirectoryIdentity } from '../../lib/workflow/group-output';
import { CLOCK_SKEW_SECONDS, type Expected, heldByLive, identityRefusal, insideOu } from '../../lib/workflow/identity';

const LAUNCH = Date.parse('2026-11-25T12:00:00Z') / 1000;
const SID = 'S-1-5-21-3623811015-3361044348-30300820-1105';
const identity = (overrides: Partial<DirectoryIdentity> = {}): DirectoryIdentity => ({
  sAMAccountName: 'EC2AMAZ-A1B2C3D$',
  objectSid: SID,
  objectGuid: '9f2d1c3b-5a6e-4f70-8b9c-0d1e2f3a4b5c',
  distinguishedName: 'CN=EC2AMAZ-A1B2C3D,OU=Hosts,DC=corp,DC=example,DC=com',
  whenCreated: LAUNCH + 240,
  dNSHostName: 'ec2amaz-a1b2c3d.corp.example.com',
  ...overrides,
});
const expected: Expected = {
  computerAccount: 'EC2AMAZ-A1B2C3D$',
  launchedAt: LAUNCH,
  hostFqdn: 'EC2AMAZ-A1B2C3D.corp.example.com',
  ou: 'OU=Hosts,DC=corp,DC=example,DC=com',
};

describe('identityRefusal', () => {
  it('accepts the account this join created', () => {
    expect(identityRefusal(identity(), expected)).toBeUndefined();
    expect(identityRefusal(identity(), { ...expected, ou: undefined })).toBeUndefined();
  });

  it('refuses an account created before the instance launched, allowing the clock skew', () => {
    expect(identityRefusal(identity({ whenCreated: LAUNCH - CLOCK_SKEW_SECONDS }), expected)).toBeUndefined();
    expect(identityRefusal(identity({ whenCreated: LAUNCH - CLOCK_SKEW_SECONDS - 1 }), expected)).toBe(
      `account EC2AMAZ-A1B2C3D$ (${SID}) was created 2026-11-25T11:54:59Z, before this instance launched (2026-11-25T12:00:00Z, 300 s skew allowed): this host's join did not create it`,
    );
  });

  it('refuses an account outside the fleet OU, and accepts one in a child OU', () => {
    const elsewhere = identity({ distinguishedName: 'CN=FS01,OU=Servers,DC=corp,DC=example,DC=com' });
    expect(identityRefusal(elsewhere, expected)).toBe(
      `account EC2AMAZ-A1B2C3D$ (${SID}) is CN=FS01,OU=Servers,DC=corp,DC=example,DC=com, outside the fleet's OU OU=Hosts,DC=corp,DC=example,DC=com`,
    );
    const child = identity({ distinguishedName: 'cn=EC2AMAZ-A1B2C3D,OU=East,ou=hosts, DC=Corp,DC=example,DC=com' });
    expect(identityRefusal(child, expected)).toBeUndefined();
  });

  it('refuses an OU whose name only ends like the fleet OU', () => {
    expect(insideOu('CN=X,OU=MoreHosts,DC=corp,DC=example,DC=com', 'OU=Hosts,DC=corp,DC=example,DC=com')).toBe(false);
    expect(insideOu('CN=X,OU=Hosts,DC=corp,DC=example,DC=com', 'OU=Hosts,DC=corp,DC=example,DC=com')).toBe(true);
  });

  it("refuses an account whose dNSHostName is not the host's joined name, or missing", () => {
    expect(identityRefusal(identity({ dNSHostName: 'fs01.corp.example.com' }), expected)).toBe(
      `account EC2AMAZ-A1B2C3D$ (${SID}) has dNSHostName fs01.corp.example.com, not this host's joined name EC2AMAZ-A1B2C3D.corp.example.com`,
    );
    expect(identityRefusal(identity({ dNSHostName: null }), expected)).toContain('has no dNSHostName');
    expect(identityRefusal(identity(), { ...expected, hostFqdn: undefined })).toContain('(unknown)');
  });

  it('refuses an identity for another name', () => {
    expect(identityRefusal(identity({ sAMAccountName: 'DC01$' }), expected)).toBe(
      `account DC01$ (${SID}) was returned for EC2AMAZ-A1B2C3D$`,
    );
  });
});

describe('heldByLive', () => {
  it('holds for a live record with this SID or none yet', () => {
    expect(heldByLive({ instanceId: 'i-1', status: 'READY', objectSid: SID }, SID)).toBe(true);
    expect(heldByLive({ instanceId: 'i-1', status: 'LAUNCHING' }, SID)).toBe(true);
    // A pending cleanup will still act on the account: nobody else may adopt it meanwhile.
    expect(heldByLive({ instanceId: 'i-1', status: 'CLEANUP_PENDING', terminatedAt: 1, objectSid: SID }, SID)).toBe(
      true,
    );
  });

  it('lets a terminated, vanished or moved-on holder go', () => {
    expect(heldByLive({ instanceId: 'i-1', status: 'TERMINATED', objectSid: SID }, SID)).toBe(false);
    expect(heldByLive({ instanceId: 'i-1', status: 'FAILED', terminatedAt: 1, objectSid: SID }, SID)).toBe(false);
    expect(heldByLive({ instanceId: 'i-1' }, SID)).toBe(false);
    expect(heldByLive({ instanceId: 'i-1', status: 'READY', objectSid: 'S-1-5-21-1-2-3-4' }, SID)).toBe(false);
  });
});
