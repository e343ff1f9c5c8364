import { SendCommandCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { finishScavenge, SCAVENGE_INTERVAL, sendMemberListing, startScavenge } from '../../lib/engine/scavenge';
import { parseMembers } from '../../lib/workflow/scavenge';
import type { HostRecord } from '../../lib/workflow/types';
import { bareRecord } from '../store/records';
import { identityOf, memberLine } from '../support/identities';
import { harness, silent, T0 } from './fakes';
import 'aws-sdk-client-mock-vitest/extend';

const ssmMock = mockClient(SSMClient);
const ssm = new SSMClient({ region: 'us-east-1' });
const LIST = 'gmsa-ready-test-ListMembers';

beforeEach(() => {
  ssmMock.reset();
  ssmMock.on(SendCommandCommand).resolves({ Command: { CommandId: '11111111-2222-3333-4444-555555555555' } });
});
afterEach(() => ssmMock.reset());

function record(
  instanceId: string,
  computerName: string,
  status: HostRecord['status'],
  extra: Partial<HostRecord> = {},
): HostRecord {
  return {
    ...bareRecord(),
    instanceId,
    fleet: 'orders',
    computerName,
    identity: identityOf(computerName, Number.parseInt(instanceId.slice(-4), 16) + 1000),
    status,
    joined: false,
    inGroup: false,
    ...extra,
  };
}

describe('startScavenge', () => {
  it('asks for a listing of each domain-joined fleet group, once per interval, and sends nothing itself', async () => {
    const h = harness();
    const requested: string[] = [];
    const request = async (fleet: string) => {
      requested.push(fleet);
    };
    expect(await startScavenge(h.deps, request)).toEqual(['orders', 'payments-linux']);
    expect(requested).toEqual(['orders', 'payments-linux']);
    expect(ssmMock).toHaveReceivedCommandTimes(SendCommandCommand, 0);

    h.clock.now = T0 + SCAVENGE_INTERVAL - 1;
    expect(await startScavenge(h.deps, request)).toEqual([]);
    h.clock.now = T0 + SCAVENGE_INTERVAL;
    expect(await startScavenge(h.deps, request)).toEqual(['orders', 'payments-linux']);
  });

  it('never stops the reconciler when the request cannot be queued', async () => {
    const h = harness();
    const refuse = async () => {
      throw Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException', $metadata: {} });
    };
    expect(await startScavenge(h.deps, refuse)).toEqual([]);
    expect(h.telemetry.logs.map((l) => l.message)).toEqual([
      'could not list host group members',
      'could not list host group members',
    ]);
    // Not marked as done: the next run tries again.
    expect(await h.store.getMarker('scavenge-orders')).toBeUndefined();
  });
});

describe('sendMemberListing', () => {
  it('lists the fleet group on its management host, from the config, and indexes the command', async () => {
    const h = harness();
    await sendMemberListing(h.deps, ssm, LIST, 'orders');
    expect(ssmMock).toHaveReceivedCommandTimes(SendCommandCommand, 1);
    expect(ssmMock).toHaveReceivedNthCommandWith(SendCommandCommand, 1, {
      DocumentName: LIST,
      InstanceIds: ['i-0123456789abcdef0'],
      Parameters: { GroupName: ['OrdersApiHosts'], DomainName: ['corp.example.com'], StartAfter: ['-'] },
      TimeoutSeconds: 600,
      Comment: 'gmsa-ready list-members orders',
    });
    expect(h.store.commands.get('11111111-2222-3333-4444-555555555555')).toMatchObject({
      purpose: 'list-members',
      fleet: 'orders',
      targetInstanceId: 'i-0123456789abcdef0',
      instanceIds: [],
      listing: { id: '11111111-2222-3333-4444-555555555555', page: 0, after: '-' },
    });
  });

  it('sends a later page of a listing after the name the last page ended with', async () => {
    const h = harness();
    const listing = '99999999-2222-3333-4444-555555555555';
    await sendMemberListing(h.deps, ssm, LIST, 'orders', { listing, page: 3, after: 'HOST00600$' });
    expect(ssmMock).toHaveReceivedNthCommandWith(SendCommandCommand, 1, {
      Parameters: { GroupName: ['OrdersApiHosts'], DomainName: ['corp.example.com'], StartAfter: ['HOST00600$'] },
      Comment: 'gmsa-ready list-members orders page 4',
    });
    expect(h.store.commands.get('11111111-2222-3333-4444-555555555555')?.listing).toEqual({
      id: listing,
      page: 3,
      after: 'HOST00600$',
    });
  });

  it.each(['reports-domainless', 'no-such-fleet'])('sends nothing for %s (no host group to list)', async (fleet) => {
    const h = harness();
    await sendMemberListing(h.deps, ssm, LIST, fleet);
    expect(ssmMock).toHaveReceivedCommandTimes(SendCommandCommand, 0);
    expect(h.telemetry.logs.map((l) => l.message)).toEqual([
      'member listing skipped: no domain-joined fleet of that name',
    ]);
  });
});

describe('finishScavenge', () => {
  it('sends terminated hosts still in the group back through deauthorize and only reports unknown members', async () => {
    const h = harness();
    h.effector.script = { enqueueGroupChange: silent }; // the stray's removal is queued; the directory answers later
    await h.store.put(
      record('i-00000000000000001', 'EC2AMAZ-GONE01', 'TERMINATED', { terminatedAt: T0 - 60, version: 1 }),
      undefined,
    );
    await h.store.put(record('i-00000000000000002', 'EC2AMAZ-LIVE01', 'READY', { version: 1 }), undefined);
    const output = [
      memberLine(identityOf('EC2AMAZ-GONE01', 1001)),
      memberLine(identityOf('EC2AMAZ-LIVE01', 1002)),
      memberLine(identityOf('BUILD01', 500)),
    ].join('\n');

    expect(await finishScavenge(h.deps, 'orders', parseMembers(output))).toEqual({
      members: 3,
      recorded: 2,
      stale: 1,
      unknown: 1,
      partial: false,
      at: T0,
    });
    expect(await h.store.get('i-00000000000000001')).toMatchObject({
      status: 'CLEANUP_PENDING',
      step: 'deauthorize',
      inGroup: true,
    });
    expect(h.effector.of('enqueueGroupChange').map((e) => e.change)).toEqual([
      expect.objectContaining({ computerAccount: 'EC2AMAZ-GONE01$', action: 'remove', purpose: 'deauthorize' }),
    ]);
    expect((await h.store.get('i-00000000000000002'))?.status).toBe('READY');
    expect(h.telemetry.metrics).toContainEqual({
      name: 'UnknownGroupMembers',
      unit: 'Count',
      value: 1,
      dimensions: { Fleet: 'orders' },
    });
  });

  it('judges nothing when the records are too many to read whole (a live host could hide among the unread)', async () => {
    const h = harness();
    h.effector.script = { enqueueGroupChange: silent };
    await h.store.put(
      record('i-00000000000000001', 'EC2AMAZ-GONE01', 'TERMINATED', { terminatedAt: T0 - 60, version: 1 }),
      undefined,
    );
    let queries = 0;
    h.store.listByStatus = async () => {
      queries++;
      return { items: [], cursor: '0' }; // always another page
    };
    const result = await finishScavenge(h.deps, 'orders', parseMembers(memberLine(identityOf('EC2AMAZ-GONE01', 1001))));
    expect(result).toMatchObject({
      members: 1,
      stale: 0,
      partial: true,
      reason: 'the records need more than 100 pages to read',
    });
    expect(queries).toBe(100);
    expect(h.effector.of('enqueueGroupChange')).toEqual([]);
    expect(h.telemetry.metrics.map((m) => m.name)).not.toContain('UnknownGroupMembers');
  });

  it("never acts on another fleet's host whose old name shows up in this group", async () => {
    const h = harness();
    const other = record('i-00000000000000003', 'EC2AMAZ-SHARED', 'TERMINATED', { terminatedAt: T0 - 60, version: 1 });
    await h.store.put({ ...other, fleet: 'payments-linux' }, undefined);
    const shared = identityOf('EC2AMAZ-SHARED', 1003);
    const result = await finishScavenge(h.deps, 'orders', parseMembers(memberLine(shared)));
    expect(result).toMatchObject({ members: 1, recorded: 0, stale: 0, unknown: 1, partial: false });
    expect(h.effector.of('enqueueGroupChange')).toEqual([]);
  });

  it("leaves alone a member that has a terminated host's name but another SID (the name was reused)", async () => {
    const h = harness();
    await h.store.put(
      record('i-00000000000000001', 'IP-0A00000B', 'TERMINATED', { terminatedAt: T0 - 60, version: 1 }),
      undefined,
    );
    const reused = identityOf('IP-0A00000B', 7777);
    expect(await finishScavenge(h.deps, 'orders', parseMembers(memberLine(reused)))).toMatchObject({
      stale: 0,
      unknown: 1,
    });
    expect(h.effector.of('enqueueGroupChange')).toEqual([]);
    expect((await h.store.get('i-00000000000000001'))?.status).toBe('TERMINATED');
  });
});
