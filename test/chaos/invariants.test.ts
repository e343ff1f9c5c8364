// The invariant checks themselves: a clean run holds, and each kind of evidence the journal can carry
// (tampered in after a real run) is reported under the right invariant. Proves the checks can fail.
import { beforeAll, describe, expect, it } from 'vitest';
import { checkInvariants } from '../../lib/sandbox/invariants';
import type { Account } from '../../lib/sandbox/model/account';
import { Sandbox } from '../../lib/sandbox/sandbox';
import type { HostRecord } from '../../lib/workflow/types';
import { buildWorld, instanceId } from '../property/worlds';

const HOST = instanceId(0);
let account: Account;
let records: Map<string, HostRecord | undefined>;

/** A fresh copy of the run's evidence, so each test tampers with its own. */
function tampered(change: (account: Account) => void) {
  const copy = Object.create(account) as Account;
  const journal = structuredClone(account.journal);
  Object.defineProperty(copy, 'journal', { value: journal });
  change(copy);
  return checkInvariants(copy, records).violations;
}

beforeAll(async () => {
  const world = buildWorld({
    fleets: [
      {
        platform: 'windows',
        mode: 'domain-joined',
        onLaunchFailure: 'ABANDON',
        deleteComputerAccount: true,
        heartbeatTimeoutSeconds: 3600,
      },
    ],
    instances: [{ fleet: 0, launchAt: 0, end: { kind: 'terminate', after: 1200 } }],
  });
  const sandbox = await Sandbox.create({ world });
  try {
    sandbox.scheduleScenario();
    await sandbox.runUntilQuiet();
    account = sandbox.account;
    records = new Map([[HOST, await sandbox.store.get(HOST)]]);
  } finally {
    await sandbox.stop();
  }
}, 30_000);

describe('checkInvariants', () => {
  it('holds for a clean launch and scale-in, over a journal that saw every kind of happening', () => {
    expect(checkInvariants(account, records)).toEqual({ held: true, violations: [] });
    const { journal } = account;
    expect(journal.completions.map((c) => c.result)).toEqual(['CONTINUE', 'CONTINUE']);
    expect(journal.membership.map((m) => m.action)).toEqual(['add', 'remove']);
    expect(journal.attributes.map((a) => a.change)).toEqual(['put', 'delete']);
    expect(journal.containerStates.map((c) => c.status)).toEqual(['DRAINING']);
    expect(journal.writes.map((w) => w.version)).toEqual(journal.writes.map((_, i) => i + 1));
  });

  it('1: a second completion of the same action with another result', () => {
    const violations = tampered((a) => {
      const first = a.journal.completions[0];
      if (first) a.journal.completions.push({ ...first, result: 'ABANDON', accepted: false });
    });
    expect(violations).toEqual([
      {
        invariant: 1,
        instanceId: HOST,
        message: expect.stringMatching(/completed with different results: CONTINUE,ABANDON/),
      },
    ]);
  });

  it('2: a group add that found the host already terminated', () => {
    const violations = tampered((a) => {
      const add = a.journal.membership[0];
      if (add) a.journal.membership.push({ ...add, at: add.at + 9999, hostState: 'terminated', changed: true });
    });
    expect(violations.map((v) => [v.invariant, v.message])).toContainEqual([
      2,
      expect.stringMatching(/added to Fleet0Hosts while the instance was terminated/),
    ]);
  });

  it('3: the ready attribute put on a host not yet in its group, and DRAINING with it still set', () => {
    const violations = tampered((a) => {
      const put = a.journal.attributes[0];
      if (put) put.host = { ...put.host, inHostGroup: false };
      const draining = a.journal.containerStates[0];
      if (draining) draining.attributes = ['gmsa-ready'];
    });
    expect(violations).toEqual([
      { invariant: 3, instanceId: HOST, message: 'gmsa-ready put before verification passed: not in Fleet0Hosts' },
      { invariant: 3, instanceId: HOST, message: 'container instance set DRAINING while gmsa-ready was still on it' },
    ]);
  });

  it('4: a second successful join for the same launch action', () => {
    const violations = tampered((a) => {
      const join = a.journal.executions.find((e) => e.documentName === 'AWS-JoinDirectoryServiceDomain');
      if (join) a.journal.executions.push({ ...join, at: join.at + 60 });
    });
    expect(violations).toEqual([
      { invariant: 4, instanceId: HOST, message: expect.stringMatching(/^a successful domain join ran 2 times/) },
    ]);
  });

  it('5: a record write that reused a version (an overwrite)', () => {
    const violations = tampered((a) => {
      const second = a.journal.writes[1];
      if (second) a.journal.writes.splice(2, 0, { ...second });
    });
    expect(violations.map((v) => [v.invariant, v.message])).toContainEqual([
      5,
      'write 3 of the record carried version 2',
    ]);
  });
});
