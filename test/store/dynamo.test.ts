import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { countGauges } from '../../lib/engine/gauge-count';
import { type CommandRef, type Lane, type Store, VersionConflictError } from '../../lib/engine/ports';
import { InvalidCursorError } from '../../lib/store/cursor';
import { createDynamoStore } from '../../lib/store/dynamo';
import type { HostRecord, Status } from '../../lib/workflow/types';
import { change } from '../directory/changes';
import { harness } from '../engine/fakes';
import type { MemoryStore } from '../support/memory-store';
import { type LocalTable, startDynalite } from './dynalite';
import { bareRecord, fullRecord, joinCommand, T0 } from './records';

let table: LocalTable;
let store: Store;

beforeEach(async () => {
  table = await startDynalite();
  store = createDynamoStore({ client: table.client, tableName: table.tableName });
});

afterEach(async () => {
  await table.stop();
});

async function rawItem(pk: string) {
  const { Item } = await table.client.send(new GetCommand({ TableName: table.tableName, Key: { pk } }));
  return Item;
}

async function allPages(status: Status, limit: number): Promise<{ pages: number; records: HostRecord[] }> {
  const records: HostRecord[] = [];
  let cursor: string | undefined;
  let pages = 0;
  do {
    const page = await store.listByStatus(status, { limit, cursor });
    pages++;
    expect(page.items.length).toBeLessThanOrEqual(limit);
    records.push(...page.items);
    cursor = page.cursor;
  } while (cursor);
  return { pages, records };
}

describe('conditional writes', () => {
  it('creates a record once; a second create conflicts and leaves the first', async () => {
    const first = bareRecord({ reason: 'first' });
    await store.put(first, undefined);
    await expect(store.put(bareRecord({ reason: 'second' }), undefined)).rejects.toBeInstanceOf(VersionConflictError);
    expect(await store.get(first.instanceId)).toEqual(first);
  });

  it('updates at the expected version; a stale version conflicts and the stored item is unchanged', async () => {
    await store.put(bareRecord(), undefined);
    const v2 = bareRecord({ version: 2, step: 'join', updatedAt: T0 + 10 });
    await store.put(v2, 1);
    expect(await store.get(v2.instanceId)).toEqual(v2);

    const stale = bareRecord({ version: 2, step: 'verify', updatedAt: T0 + 20 });
    const error = await store.put(stale, 1).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(VersionConflictError);
    expect((error as Error).message).toContain('i-0123456789abcdef0');
    expect(await store.get(v2.instanceId)).toEqual(v2);
  });

  it('an update of a record that does not exist conflicts', async () => {
    await expect(store.put(bareRecord({ version: 2 }), 1)).rejects.toBeInstanceOf(VersionConflictError);
    expect(await store.get('i-0123456789abcdef0')).toBeUndefined();
  });

  it('lets exactly one of two concurrent writers from the same version win', async () => {
    await store.put(bareRecord(), undefined);
    const writers = [
      bareRecord({ version: 2, step: 'join', reason: 'writer A' }),
      bareRecord({ version: 2, step: 'identify', reason: 'writer B' }),
    ];
    const results = await Promise.allSettled(writers.map((record) => store.put(record, 1)));

    const won = results.flatMap((result, i) => (result.status === 'fulfilled' ? [writers[i]] : []));
    const lost = results.flatMap((result) => (result.status === 'rejected' ? [result.reason] : []));
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    expect(lost[0]).toBeInstanceOf(VersionConflictError);
    expect(await store.get('i-0123456789abcdef0')).toEqual(won[0]);
  });

  it('refuses a write that does not move the version forward', async () => {
    await store.put(bareRecord(), undefined);
    await expect(store.put(bareRecord({ version: 1, step: 'join' }), 1)).rejects.toThrow(/^version: 1 must be greater/);
    expect((await store.get('i-0123456789abcdef0'))?.step).toBe('agent');
  });
});

describe('round trips', () => {
  it('preserves every HostRecord field, nested objects and history included', async () => {
    const record = fullRecord();
    await store.put(record, undefined);
    expect(await store.get(record.instanceId)).toStrictEqual(record);
  });

  it('returns a bare record without storage attributes or invented fields', async () => {
    const record = bareRecord();
    await store.put(record, undefined);
    expect(await store.get(record.instanceId)).toStrictEqual(record);
    expect(await rawItem('host#i-0123456789abcdef0')).toMatchObject({ pk: 'host#i-0123456789abcdef0' });
  });

  it('drops optional fields that are present but undefined', async () => {
    const record = bareRecord({ computerName: undefined, pending: undefined });
    await store.put(record, undefined);
    const stored = await store.get(record.instanceId);
    expect(stored).toStrictEqual(bareRecord());
    expect(stored && 'computerName' in stored).toBe(false);
  });

  it('round-trips command refs under their own key and answers undefined for unknown ids', async () => {
    const command: CommandRef = {
      commandId: 'c0ffee00-1111-2222-3333-444444444444',
      purpose: 'authorize',
      documentName: 'gmsa-ready-group-change',
      targetInstanceId: 'i-0aaaaaaaaaaaaaaaa',
      instanceIds: ['i-0123456789abcdef0', 'i-0fedcba9876543210'],
      sentAt: T0,
    };
    await store.putCommand(command);
    expect(await store.getCommand(command.commandId)).toStrictEqual(command);
    expect(await rawItem(`cmd#${command.commandId}`)).toMatchObject({ pk: `cmd#${command.commandId}` });
    expect(await store.getCommand('00000000-0000-0000-0000-000000000000')).toBeUndefined();
    expect(await store.get('i-0fedcba9876543210')).toBeUndefined();
  });
});

describe('join and refresh refs shared by several hosts', () => {
  const id = (n: number) => `i-${n.toString(16).padStart(17, '0')}`;
  const joinRef = (n: number, over: Partial<CommandRef> = {}): CommandRef =>
    joinCommand({
      commandId: 'c0ffee00-aaaa-bbbb-cccc-444444444444',
      targetInstanceId: id(n),
      instanceIds: [id(n)],
      sentAt: T0 + n,
      ...over,
    });

  it('adds each host to the one ref, keeping what the first write set', async () => {
    await store.putCommand(joinRef(1));
    await store.putCommand(joinRef(2));
    await store.putCommand(joinRef(3));
    expect(await store.getCommand(joinRef(1).commandId)).toStrictEqual({
      ...joinRef(1),
      instanceIds: [id(1), id(2), id(3)],
    });
    expect((await rawItem(`cmd#${joinRef(1).commandId}`))?.expiresAt).toBe(T0 + 1 + 7 * 86_400);
  });

  it('loses no host when fifty hosts index the same command at once', async () => {
    const hosts = Array.from({ length: 50 }, (_, n) => n + 1);
    await Promise.all(hosts.map((n) => store.putCommand(joinRef(n, { purpose: 'refresh', documentName: 'rw' }))));
    const ref = await store.getCommand(joinRef(1).commandId);
    expect(ref?.instanceIds.slice().sort()).toEqual(hosts.map(id).sort());
    expect(ref?.purpose).toBe('refresh');
  });

  it('reads a host indexed twice (a retried write) once', async () => {
    await store.putCommand(joinRef(1));
    await store.putCommand(joinRef(2));
    await store.putCommand(joinRef(1));
    expect((await store.getCommand(joinRef(1).commandId))?.instanceIds).toEqual([id(1), id(2)]);
  });

  it('still overwrites a group change ref as a whole', async () => {
    const change: CommandRef = { ...joinRef(9), purpose: 'authorize', targetInstanceId: id(9), instanceIds: [id(1)] };
    await store.putCommand(change);
    await store.putCommand({ ...change, instanceIds: [id(2)] });
    expect((await store.getCommand(change.commandId))?.instanceIds).toEqual([id(2)]);
  });
});

describe('TTL attribute', () => {
  it('is set 90 days after updatedAt on TERMINATED records only', async () => {
    await store.put(bareRecord({ instanceId: 'i-00000000000000001', status: 'TERMINATED', step: 'done' }), undefined);
    await store.put(bareRecord({ instanceId: 'i-00000000000000002', status: 'READY', step: 'complete' }), undefined);
    await store.put(bareRecord({ instanceId: 'i-00000000000000003', status: 'CLEANUP_PENDING' }), undefined);

    expect((await rawItem('host#i-00000000000000001'))?.expiresAt).toBe(T0 + 90 * 86_400);
    expect(await rawItem('host#i-00000000000000002')).not.toHaveProperty('expiresAt');
    expect(await rawItem('host#i-00000000000000003')).not.toHaveProperty('expiresAt');
    expect(await store.get('i-00000000000000001')).not.toHaveProperty('expiresAt');
  });

  it('is removed again when a record leaves TERMINATED', async () => {
    await store.put(bareRecord({ status: 'TERMINATED', step: 'done' }), undefined);
    await store.put(bareRecord({ version: 2, status: 'CLEANUP_PENDING', step: 'deauthorize' }), 1);
    expect(await rawItem('host#i-0123456789abcdef0')).not.toHaveProperty('expiresAt');
  });

  it('is set 7 days after sentAt on command items', async () => {
    await store.putCommand(joinCommand());
    expect((await rawItem('cmd#c1'))?.expiresAt).toBe(T0 + 7 * 86_400);
    expect(await store.getCommand('c1')).not.toHaveProperty('expiresAt');
  });
});

describe('listByStatus', () => {
  const id = (n: number) => `i-${n.toString(16).padStart(17, '0')}`;

  beforeEach(async () => {
    for (let n = 1; n <= 5; n++) {
      await store.put(bareRecord({ instanceId: id(n), status: 'LAUNCHING', updatedAt: T0 + n * 10 }), undefined);
    }
    for (let n = 6; n <= 7; n++) {
      await store.put(bareRecord({ instanceId: id(n), status: 'READY', updatedAt: T0 + n * 10 }), undefined);
    }
    await store.putCommand({
      commandId: 'c-unrelated',
      purpose: 'join',
      documentName: 'AWS-JoinDirectoryServiceDomain',
      targetInstanceId: id(1),
      instanceIds: [id(1)],
      sentAt: T0,
    });
  });

  it('pages through one status, newest first, with a cursor', async () => {
    const { pages, records } = await allPages('LAUNCHING', 2);
    expect(pages).toBeGreaterThanOrEqual(3);
    expect(records.map((r) => r.instanceId)).toEqual([id(5), id(4), id(3), id(2), id(1)]);
    expect(records.every((r) => r.status === 'LAUNCHING')).toBe(true);
    expect(records[0]).not.toHaveProperty('pk');
  });

  it('returns only the asked status and no cursor when everything fit', async () => {
    const page = await store.listByStatus('READY', { limit: 10 });
    expect(page.items.map((r) => r.instanceId)).toEqual([id(7), id(6)]);
    expect(page.cursor).toBeUndefined();
    expect(await store.listByStatus('FAILED', { limit: 10 })).toEqual({ items: [] });
  });

  it('rejects a cursor that is not one it issued, naming the cursor', async () => {
    await expect(store.listByStatus('LAUNCHING', { limit: 2, cursor: 'not a cursor!' })).rejects.toThrow(
      InvalidCursorError,
    );
    const junk = Buffer.from('{"pk":"host#i-1","updatedAt":"soon","status":"LAUNCHING"}').toString('base64url');
    await expect(store.listByStatus('LAUNCHING', { limit: 2, cursor: junk })).rejects.toThrow(/^cursor: .*updatedAt/);
  });

  it('rejects a cursor from another status listing', async () => {
    const { cursor } = await store.listByStatus('LAUNCHING', { limit: 2 });
    expect(cursor).toBeDefined();
    await expect(store.listByStatus('READY', { limit: 2, cursor })).rejects.toThrow(/^cursor: not a READY page key/);
  });

  it.each([0, -1, 1.5, 1001])('rejects limit %s', async (limit) => {
    await expect(store.listByStatus('READY', { limit })).rejects.toThrow(/^limit: must be an integer from 1 to 1000/);
  });
});

describe('markers', () => {
  it('keeps a named bookmark, overwrites it, and forgets it when cleared', async () => {
    expect(await store.getMarker('inflight-LAUNCHING')).toBeUndefined();
    await store.putMarker('inflight-LAUNCHING', 'cursor-1');
    await store.putMarker('vanish-READY', 'other');
    expect(await store.getMarker('inflight-LAUNCHING')).toBe('cursor-1');
    await store.putMarker('inflight-LAUNCHING', 'cursor-2');
    expect(await store.getMarker('inflight-LAUNCHING')).toBe('cursor-2');
    await store.putMarker('inflight-LAUNCHING', undefined);
    expect(await store.getMarker('inflight-LAUNCHING')).toBeUndefined();
    expect(await store.getMarker('vanish-READY')).toBe('other');
  });

  it('stores markers apart from host records, out of the status index', async () => {
    await store.putMarker('scavenge-orders', '1800000000');
    expect(await rawItem('meta#scavenge-orders')).toEqual({ pk: 'meta#scavenge-orders', value: '1800000000' });
    expect((await store.listByStatus('READY', { limit: 10 })).items).toEqual([]);
  });
});

describe('lanes', () => {
  const KEY = 'i-0123456789abcdef0#authorize';
  const WAITING = { change: change(2), claimId: 'claim-2' };
  const lane = (version: number): Lane => ({
    key: KEY,
    version,
    inFlight: { t1: T0 + 120 },
    waiting: [WAITING, { change: change(3, { objectSid: undefined }), claimId: 'claim-3' }],
    lastSentAt: T0,
  });

  it('creates a lane once, then writes it only from the version it read', async () => {
    expect(await store.getLane(KEY)).toBeUndefined();
    await store.putLane(lane(1), 0);
    await expect(store.putLane(lane(1), 0)).rejects.toBeInstanceOf(VersionConflictError);
    await store.putLane({ ...lane(2), inFlight: {}, waiting: [] }, 1);
    await expect(store.putLane(lane(2), 1)).rejects.toBeInstanceOf(VersionConflictError);
    expect(await store.getLane(KEY)).toEqual({ key: KEY, version: 2, inFlight: {}, waiting: [], lastSentAt: T0 });
  });

  it('round-trips the waiting changes and stays out of the status index', async () => {
    await store.putLane(lane(1), 0);
    const { objectSid: _none, ...resolve } = change(3);
    expect(await store.getLane(KEY)).toEqual({
      ...lane(1),
      waiting: [WAITING, { change: resolve, claimId: 'claim-3' }],
    });
    expect(await rawItem(`lane#${KEY}`)).not.toHaveProperty('status');
  });

  it('lets exactly one of two concurrent writers from the same version win', async () => {
    await store.putLane(lane(1), 0);
    const results = await Promise.allSettled([store.putLane(lane(2), 1), store.putLane(lane(2), 1)]);
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
  });

  it('refuses a write that does not move the version forward', async () => {
    await expect(store.putLane(lane(1), 1)).rejects.toThrow('version: 1 must be greater than the expected version 1');
  });
});

describe('identity claims', () => {
  const SID = 'S-1-5-21-3623811015-3361044348-30300820-1105';

  it('gives an objectSID to the first record, keeps it there, and tells a second claimant who holds it', async () => {
    expect(await store.claimIdentity(SID, 'i-00000000000000001')).toBe('i-00000000000000001');
    expect(await store.claimIdentity(SID, 'i-00000000000000001')).toBe('i-00000000000000001');
    expect(await store.claimIdentity(SID, 'i-00000000000000002')).toBe('i-00000000000000001');
    expect(await rawItem(`sid#${SID}`)).toEqual({ pk: `sid#${SID}`, holder: 'i-00000000000000001' });
  });

  it('hands it over only when the claimant names the current holder', async () => {
    await store.claimIdentity(SID, 'i-00000000000000001');
    expect(await store.claimIdentity(SID, 'i-00000000000000003', 'i-00000000000000002')).toBe('i-00000000000000001');
    expect(await store.claimIdentity(SID, 'i-00000000000000003', 'i-00000000000000001')).toBe('i-00000000000000003');
  });

  it('lets exactly one of two concurrent claimants win', async () => {
    const [a, b] = await Promise.all([
      store.claimIdentity(SID, 'i-00000000000000001'),
      store.claimIdentity(SID, 'i-00000000000000002'),
    ]);
    expect(a).toBe(b);
    expect((await store.listByStatus('READY', { limit: 10 })).items).toEqual([]);
  });
});

// The reconciler's gauges: exact when more than 1,000 records share a status, which one Query page of the
// byStatus index cannot hold (lib/engine/gauge-count.ts pages through all of them).
describe('gauges over the byStatus index', () => {
  const id = (n: number) => `i-${n.toString(16).padStart(17, '0')}`;

  async function seed(records: HostRecord[]): Promise<void> {
    for (let i = 0; i < records.length; i += 100)
      await Promise.all(records.slice(i, i + 100).map((r) => store.put(r, undefined)));
  }

  it('counts more than 1,000 records in one status exactly, in bounded pages', { timeout: 120_000 }, async () => {
    let n = 0;
    const launching = Array.from({ length: 1_100 }, () => bareRecord({ instanceId: id(++n), step: 'join' }));
    const failed = Array.from({ length: 1_001 }, () =>
      bareRecord({ instanceId: id(++n), status: 'FAILED', step: 'done' }),
    );
    const pending = Array.from({ length: 3 }, (_, i) =>
      bareRecord({ instanceId: id(++n), status: 'CLEANUP_PENDING', step: 'deauthorize', cleanupSince: T0 - i }),
    );
    await seed([...launching, ...failed, ...pending]);

    const h = harness(store as MemoryStore);
    h.clock.now = T0 + 100;
    let queries = 0;
    const list = store.listByStatus.bind(store);
    store.listByStatus = async (status, options) => {
      queries++;
      return list(status, options);
    };
    const data = await countGauges(h.deps);
    const orders = data?.filter((d) => d.dimensions.Fleet === 'orders');
    expect(orders).toEqual([
      { name: 'InFlight', unit: 'Count', value: 1_100, dimensions: { Fleet: 'orders', Step: 'join' } },
      { name: 'CleanupsPending', unit: 'Count', value: 3, dimensions: { Fleet: 'orders' } },
      { name: 'OldestCleanupPendingSeconds', unit: 'Seconds', value: 102, dimensions: { Fleet: 'orders' } },
      { name: 'InFlightOverdue', unit: 'Count', value: 0, dimensions: { Fleet: 'orders' } },
      { name: 'FailedHosts', unit: 'Count', value: 1_001, dimensions: { Fleet: 'orders' } },
    ]);
    // LAUNCHING 2 pages, TERMINATING 1, CLEANUP_PENDING 1, FAILED 2 (at most 1,000 records a page).
    expect(queries).toBe(6);
  });
});
