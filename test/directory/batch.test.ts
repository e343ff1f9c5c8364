import { describe, expect, it } from 'vitest';
import {
  groupChangeParameters,
  groupChangeSchema,
  MAX_NAMES,
  MAX_RESOLVE_NAMES,
  planBatches,
} from '../../lib/directory/batch';
import type { GroupChange } from '../../lib/workflow/types';
import { change, MGMT, sidOf } from './changes';

const items = (changes: GroupChange[]) => changes.map((c, i) => ({ change: c, ref: `m-${i}` }));
const names = (batch: { items: { change: GroupChange }[] }) => batch.items.map((i) => i.change.computerAccount);

describe('planBatches', () => {
  it('splits 120 changes for one group into 50, 50 and 20 names', () => {
    const batches = planBatches(items(Array.from({ length: 120 }, (_, n) => change(n + 1))));
    expect(MAX_NAMES).toBe(50);
    expect(batches.map((b) => b.items.length)).toEqual([50, 50, 20]);
    expect(batches.flatMap(names)).toEqual(Array.from({ length: 120 }, (_, n) => `EC2AMAZ-H${n + 1}$`));
    expect(batches[2]).toMatchObject({
      managementInstanceId: MGMT,
      domainName: 'corp.example.com',
      hostGroup: 'OrdersApiHosts',
      action: 'add',
      deleteComputerAccount: false,
      purpose: 'authorize',
    });
  });

  it('caps a resolve at 20 names, so its identity lines fit the 24,000 characters SSM returns', () => {
    const resolves = Array.from({ length: 45 }, (_, n) =>
      change(n + 1, { action: 'resolve', purpose: 'resolve', objectSid: undefined }),
    );
    expect(MAX_RESOLVE_NAMES).toBe(20);
    expect(planBatches(items(resolves)).map((b) => b.items.length)).toEqual([20, 20, 5]);
    // 1,100 characters a name (identity JSON with a long DN and FQDN, membership and result lines) still fit.
    expect(MAX_RESOLVE_NAMES * 1_100).toBeLessThan(24_000);
    expect(planBatches(items(resolves.map((c) => ({ ...c, action: 'add' as const }))))).toHaveLength(1);
  });

  it('lets a duplicate delivery of a host ride along without taking a second name', () => {
    const fifty = Array.from({ length: 50 }, (_, n) => change(n + 1));
    const duplicate = change(7, { computerAccount: 'ec2amaz-h7$' });
    const batches = planBatches(items([...fifty, duplicate]));
    expect(batches).toHaveLength(1);
    expect(batches[0]?.items.map((i) => i.ref)).toContain('m-50');
    const parameters = groupChangeParameters(batches[0] as (typeof batches)[0]);
    expect(parameters.ComputerNames?.[0]?.split(',')).toHaveLength(50);
  });

  it('never puts one name with two objectSIDs in a batch: the second waits for the next', () => {
    const reused = change(2, { instanceId: 'i-0aaaaaaaaaaaaaaa1', computerAccount: 'EC2AMAZ-H1$' });
    const batches = planBatches(
      items([
        change(1, { action: 'remove', purpose: 'deauthorize' }),
        { ...reused, action: 'remove', purpose: 'deauthorize' },
        change(3, { action: 'remove', purpose: 'deauthorize' }),
      ]),
    );
    expect(batches.map(names)).toEqual([['EC2AMAZ-H1$', 'EC2AMAZ-H3$'], ['EC2AMAZ-H1$']]);
    expect(batches.map((b) => groupChangeParameters(b).ObjectSids)).toEqual([[`${sidOf(1)},${sidOf(3)}`], [sidOf(2)]]);
  });

  it('sends - for a change without an objectSID (resolve)', () => {
    const [batch] = planBatches(
      items([
        change(1, { action: 'resolve', purpose: 'resolve', objectSid: undefined }),
        change(2, { action: 'resolve', purpose: 'resolve', objectSid: undefined }),
      ]),
    );
    expect(groupChangeParameters(batch as NonNullable<typeof batch>)).toMatchObject({
      Action: ['resolve'],
      ObjectSids: ['-,-'],
    });
  });

  it('groups by management host, domain (case-insensitively), group, action, delete flag and purpose', () => {
    const batches = planBatches(
      items([
        change(1),
        change(2, { domainName: 'CORP.Example.com' }),
        change(3, { managementInstanceId: 'i-0fedcba9876543210' }),
        change(4, { domainName: 'other.example.com' }),
        change(5, { hostGroup: 'PaymentsApiHosts' }),
        change(6, { action: 'remove', purpose: 'undo' }),
        change(7, { action: 'remove', purpose: 'deauthorize' }),
        change(8, { action: 'remove', purpose: 'deauthorize', deleteComputerAccount: true }),
      ]),
    );
    expect(batches.map(names)).toEqual([
      ['EC2AMAZ-H1$', 'EC2AMAZ-H2$'],
      ['EC2AMAZ-H3$'],
      ['EC2AMAZ-H4$'],
      ['EC2AMAZ-H5$'],
      ['EC2AMAZ-H6$'],
      ['EC2AMAZ-H7$'],
      ['EC2AMAZ-H8$'],
    ]);
  });

  it('keeps purposes apart even when the commands would be identical', () => {
    const batches = planBatches(
      items([
        change(1, { action: 'remove', purpose: 'undo' }),
        change(2, { action: 'remove', purpose: 'deauthorize' }),
      ]),
    );
    expect(batches.map((b) => b.purpose)).toEqual(['undo', 'deauthorize']);
  });

  it('plans nothing for nothing', () => {
    expect(planBatches([])).toEqual([]);
  });
});

describe('groupChangeParameters', () => {
  it('gives the document exactly its parameters, names upper-cased and deduplicated', () => {
    const [batch] = planBatches(items([change(1, { computerAccount: 'ec2amaz-h1$' }), change(2), change(1)]));
    expect(groupChangeParameters(batch as NonNullable<typeof batch>)).toEqual({
      Action: ['add'],
      GroupName: ['OrdersApiHosts'],
      ComputerNames: ['EC2AMAZ-H1$,EC2AMAZ-H2$'],
      ObjectSids: [`${sidOf(1)},${sidOf(2)}`],
      DeleteComputerAccount: ['false'],
      DomainName: ['corp.example.com'],
    });
  });

  it('spells a deauthorize with account deletion', () => {
    const [batch] = planBatches(
      items([change(3, { action: 'remove', purpose: 'deauthorize', deleteComputerAccount: true })]),
    );
    expect(groupChangeParameters(batch as NonNullable<typeof batch>)).toEqual({
      Action: ['remove'],
      GroupName: ['OrdersApiHosts'],
      ComputerNames: ['EC2AMAZ-H3$'],
      ObjectSids: [sidOf(3)],
      DeleteComputerAccount: ['true'],
      DomainName: ['corp.example.com'],
    });
  });
});

describe('groupChangeSchema', () => {
  it('accepts what the engine enqueues', () => {
    expect(groupChangeSchema.parse(change(1))).toEqual(change(1));
  });

  it.each([
    ['computerAccount', "x';Remove-ADGroup -Identity 'Domain Admins$"],
    ['computerAccount', 'EC2AMAZ-H1'],
    ['hostGroup', "OrdersApiHosts'; Remove-ADGroup 'Domain Admins"],
    ['hostGroup', 'Orders$(whoami)'],
    ['domainName', 'corp.example.com; Remove-ADGroup x'],
    ['managementInstanceId', 'i-0123456789abcdef0 i-0fedcba9876543210'],
    ['instanceId', '../i-0123456789abcdef0'],
    ['fleet', 'Orders'],
  ] as const)('refuses a hostile %s: %s', (field, value) => {
    const result = groupChangeSchema.safeParse({ ...change(1), [field]: value });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.path.join('.'))).toEqual([field]);
  });
});
