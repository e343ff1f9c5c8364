// The GroupChange output as each host reads it: its own result line, and for resolve its identity,
// validated field by field before anything of it reaches a record.
import { describe, expect, it } from 'vitest';
import { groupResultFor, identityFor } from '../../lib/workflow/group-output';

const identity = {
  sAMAccountName: 'EC2AMAZ-A1B2C3D$',
  objectSid: 'S-1-5-21-3623811015-3361044348-30300820-1105',
  objectGuid: '9F2D1C3B-5A6E-4F70-8B9C-0D1E2F3A4B5C',
  distinguishedName: 'CN=EC2AMAZ-A1B2C3D,OU=Hosts,DC=corp,DC=example,DC=com',
  whenCreated: '2026-11-25T12:03:04.0000000Z',
  dNSHostName: 'EC2AMAZ-A1B2C3D.corp.example.com',
};
const line = (name: string, value: unknown) => `GMSA-READY-IDENTITY ${name} ${JSON.stringify(value)}`;

describe('groupResultFor', () => {
  const output = [
    'GMSA-READY-RESULT WEB1$ ok',
    'GMSA-READY-RESULT WEB2$ gone object S-1-5-21-1-2-3-1100 no longer exists; the name now belongs to S-1-5-21-1-2-3-1200, left alone',
    'GMSA-READY-RESULT WEB3$ error Insufficient access rights to perform the operation',
    'GMSA-READY-RESULT WEB4$ ok membership removed by name; no recorded objectSID, so the account is kept',
  ].join('\r\n');

  it('reads each host its own line, case-insensitively', () => {
    expect(groupResultFor(output, 'web1$')).toEqual({ kind: 'ok' });
    expect(groupResultFor(output, 'WEB2$')).toEqual({
      kind: 'gone',
      message: 'object S-1-5-21-1-2-3-1100 no longer exists; the name now belongs to S-1-5-21-1-2-3-1200, left alone',
    });
    expect(groupResultFor(output, 'WEB3$')).toEqual({
      kind: 'error',
      message: 'Insufficient access rights to perform the operation',
    });
    expect(groupResultFor(output, 'WEB4$')?.kind).toBe('ok');
    expect(groupResultFor(output, 'WEB5$')).toBeUndefined();
    expect(groupResultFor(undefined, 'WEB1$')).toBeUndefined();
  });

  it('keeps a message to one printable line', () => {
    const result = groupResultFor('GMSA-READY-RESULT WEB1$ error bad \u001b[31mred\u0007', 'WEB1$');
    expect(result).toEqual({ kind: 'error', message: 'bad ?[31mred?' });
  });
});

describe('identityFor', () => {
  it('validates and normalises the identity a resolve printed', () => {
    const output = `${line('EC2AMAZ-A1B2C3D$', identity)}\nGMSA-READY-RESULT EC2AMAZ-A1B2C3D$ ok\n`;
    expect(identityFor(output, 'ec2amaz-a1b2c3d$')).toEqual({
      ok: true,
      identity: {
        ...identity,
        objectGuid: '9f2d1c3b-5a6e-4f70-8b9c-0d1e2f3a4b5c',
        whenCreated: Date.parse('2026-11-25T12:03:04Z') / 1000,
        dNSHostName: 'ec2amaz-a1b2c3d.corp.example.com',
      },
    });
  });

  it('accepts an account without a dNSHostName (the core refuses it, with that reason)', () => {
    const result = identityFor(line('WEB1$', { ...identity, dNSHostName: null }), 'WEB1$');
    expect(result?.ok && result.identity.dNSHostName).toBeNull();
  });

  it.each([
    ['objectSid', 'S-1-5-32-544', 'identity objectSid: must be a domain SID'],
    ['objectSid', 'S-1-5-21-1-2-3-4;whoami', 'identity objectSid'],
    ['objectGuid', 'not-a-guid', 'identity objectGuid: must be a GUID'],
    ['distinguishedName', 'CN=X,OU=Hosts\u001b[2J,DC=corp,DC=com', 'identity distinguishedName'],
    ['distinguishedName', 'CN=X\\,Y,DC=corp,DC=com', 'identity distinguishedName'],
    ['whenCreated', 'yesterday', 'identity whenCreated'],
    ['dNSHostName', 'evil host.corp.example.com', 'identity dNSHostName: must be a DNS host name'],
    ['sAMAccountName', 'EC2AMAZ-A1B2C3D', 'identity sAMAccountName'],
  ])('refuses a %s of %j', (field, value, message) => {
    const result = identityFor(line('WEB1$', { ...identity, [field]: value }), 'WEB1$');
    expect(result?.ok).toBe(false);
    expect(result?.ok === false && result.message).toContain(message);
  });

  it('refuses extra fields, missing fields and lines that are not JSON', () => {
    expect(identityFor(line('WEB1$', { ...identity, extra: 1 }), 'WEB1$')?.ok).toBe(false);
    const { objectSid: _, ...withoutSid } = identity;
    expect(identityFor(line('WEB1$', withoutSid), 'WEB1$')).toEqual({
      ok: false,
      message: 'identity objectSid: Invalid input: expected string, received undefined',
    });
    expect(identityFor('GMSA-READY-IDENTITY WEB1$ {oops', 'WEB1$')).toEqual({
      ok: false,
      message: 'the identity line is not JSON',
    });
  });

  it('finds nothing for another host or without output', () => {
    expect(identityFor(line('WEB1$', identity), 'WEB2$')).toBeUndefined();
    expect(identityFor(undefined, 'WEB1$')).toBeUndefined();
  });
});
