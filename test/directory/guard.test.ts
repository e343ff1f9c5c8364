import { describe, expect, it } from 'vitest';
import type { Config } from '../../lib/config/schema';
import { checkChange } from '../../lib/directory/guard';
import { exampleConfig } from '../engine/fakes';
import { change, waitingHost } from './changes';

const deauthorizing = waitingHost(1, {
  status: 'TERMINATING',
  step: 'deauthorize',
  pending: { purpose: 'deauthorize', targetInstanceId: 'i-0123456789abcdef0', requestedAt: 0, attempt: 1 },
});
const removal = change(1, { action: 'remove', purpose: 'deauthorize', deleteComputerAccount: true });

describe('checkChange', () => {
  it('accepts exactly what the configuration and the record say', () => {
    expect(checkChange(exampleConfig, waitingHost(1), change(1))).toEqual({ ok: true });
    expect(checkChange(exampleConfig, deauthorizing, removal)).toEqual({ ok: true });
  });

  it('compares the domain and the computer account without regard to case', () => {
    const spelled = change(1, { domainName: 'CORP.EXAMPLE.COM', computerAccount: 'ec2amaz-h1$' });
    expect(checkChange(exampleConfig, waitingHost(1), spelled)).toEqual({ ok: true });
  });

  it.each([
    ['an unconfigured fleet', change(1, { fleet: 'shadow' }), "fleet 'shadow' is not configured"],
    [
      'another management host',
      change(1, { managementInstanceId: 'i-0fedcba9876543210' }),
      'managementInstanceId differs from the fleet configuration',
    ],
    ['another group', change(1, { hostGroup: 'Domain Admins' }), 'hostGroup differs from the fleet configuration'],
    [
      'another domain',
      change(1, { domainName: 'evil.example.com' }),
      'domainName differs from the fleet configuration',
    ],
    [
      'another computer account',
      change(1, { computerAccount: 'DC01$' }),
      'computerAccount differs from the recorded computer name',
    ],
    [
      'another fleet than the record’s',
      change(1, { fleet: 'payments-linux', hostGroup: 'PaymentsApiHosts' }),
      'no record of this host in the fleet',
    ],
  ])('refuses %s', (_, proposed, reason) => {
    expect(checkChange(exampleConfig, waitingHost(1), proposed)).toEqual({ ok: false, reason });
  });

  it('refuses a change that names another objectSID than the record proved', () => {
    const other = 'S-1-5-21-1-2-3-500';
    expect(checkChange(exampleConfig, waitingHost(1), change(1, { objectSid: other }))).toEqual({
      ok: false,
      reason: 'objectSid differs from the recorded identity',
    });
    expect(checkChange(exampleConfig, waitingHost(1), change(1, { objectSid: undefined })).ok).toBe(false);
  });

  it('sends a resolve without an objectSID, and only as resolve', () => {
    const resolving = waitingHost(1, {
      step: 'resolve',
      identity: undefined,
      inGroup: false,
      pending: { purpose: 'resolve', targetInstanceId: 'i-0123456789abcdef0', requestedAt: 1, attempt: 1 },
    });
    expect(
      checkChange(exampleConfig, resolving, change(1, { action: 'resolve', purpose: 'resolve', objectSid: undefined })),
    ).toEqual({ ok: true });
    expect(
      checkChange(exampleConfig, resolving, change(1, { action: 'add', purpose: 'resolve', objectSid: undefined })),
    ).toEqual({ ok: false, reason: 'action add does not fit purpose resolve' });
    expect(checkChange(exampleConfig, resolving, change(1, { action: 'resolve', purpose: 'resolve' })).ok).toBe(false);
  });

  it('refuses a change for a host it has no record of', () => {
    expect(checkChange(exampleConfig, undefined, change(1))).toEqual({
      ok: false,
      reason: 'no record of this host in the fleet',
    });
  });

  it('refuses to delete computer accounts where the fleet does not allow it', () => {
    const keep: Config = structuredClone(exampleConfig);
    (keep.fleets[0] as Config['fleets'][0]).deleteComputerAccount = false;
    expect(checkChange(keep, deauthorizing, removal)).toEqual({
      ok: false,
      reason: 'deleteComputerAccount does not fit purpose deauthorize in this fleet',
    });
  });

  it('refuses a change whose action or delete flag does not fit its purpose', () => {
    // A queued "authorize" that would really remove the host and delete its account.
    const hostile = { ...change(1), action: 'remove' as const, deleteComputerAccount: true };
    expect(checkChange(exampleConfig, waitingHost(1), hostile)).toEqual({
      ok: false,
      reason: 'action remove does not fit purpose authorize',
    });
    expect(checkChange(exampleConfig, waitingHost(1), { ...change(1), deleteComputerAccount: true })).toEqual({
      ok: false,
      reason: 'deleteComputerAccount does not fit purpose authorize in this fleet',
    });
    // A deauthorize that leaves the account although the fleet deletes them is refused too.
    expect(checkChange(exampleConfig, deauthorizing, { ...removal, deleteComputerAccount: false })).toEqual({
      ok: false,
      reason: 'deleteComputerAccount does not fit purpose deauthorize in this fleet',
    });
  });

  it('refuses, as stale, a change the host no longer waits for', () => {
    expect(checkChange(exampleConfig, waitingHost(1, { pending: undefined }), change(1))).toEqual({
      ok: false,
      reason: 'host is not waiting for authorize',
      stale: true,
    });
    expect(checkChange(exampleConfig, deauthorizing, change(1))).toEqual({
      ok: false,
      reason: 'host is not waiting for authorize',
      stale: true,
    });
  });

  it('refuses, as stale, a change already sent', () => {
    const sent = waitingHost(1, {
      pending: {
        purpose: 'authorize',
        commandId: '1b7f4d2e-8c3a-4e96-b0d5-a2f9e6c14b78',
        targetInstanceId: 'i-0123456789abcdef0',
        requestedAt: 0,
        attempt: 1,
      },
    });
    expect(checkChange(exampleConfig, sent, change(1))).toEqual({
      ok: false,
      reason: 'already sent as command 1b7f4d2e-8c3a-4e96-b0d5-a2f9e6c14b78',
      stale: true,
    });
  });

  it('refuses a change for a record whose computer name is hostile, whatever the change says', () => {
    const hostile = waitingHost(1, { computerName: "x';Remove-ADGroup -Identity 'Domain Admins" });
    expect(checkChange(exampleConfig, hostile, change(1))).toEqual({
      ok: false,
      reason: 'the recorded computer name is not a NetBIOS name',
    });
    // Even a change carrying the very same hostile name is refused: the record itself is not trusted.
    const same = { ...change(1), computerAccount: "x';Remove-ADGroup -Identity 'Domain Admins$" };
    expect(checkChange(exampleConfig, hostile, same)).toEqual({
      ok: false,
      reason: 'the recorded computer name is not a NetBIOS name',
    });
  });
});
