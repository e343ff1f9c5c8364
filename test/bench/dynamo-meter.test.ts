// What one PutItem costs on the table and its byStatus index (keys status + updatedAt, projection ALL).
import { describe, expect, it } from 'vitest';
import { putWriteUnits } from '../../lib/bench/dynamo-meter';

const record = (status: string, updatedAt: number, pad = 0) => ({
  pk: 'host#i-1',
  status,
  updatedAt,
  pad: 'x'.repeat(pad),
});

describe('putWriteUnits', () => {
  it('charges a new indexed item once in the table and once in the index', () => {
    const { units, entry } = putWriteUnits(record('LAUNCHING', 1), undefined);
    expect(units).toBe(2);
    expect(entry).toMatchObject({ status: 'LAUNCHING', updatedAt: 1 });
  });

  it('charges the old index entry deleted and the new one put when an index key moves (updatedAt too)', () => {
    const first = putWriteUnits(record('LAUNCHING', 1, 1500), undefined);
    // 2 KB item: 2 in the table, 2 for the new index entry, 2 to delete the old 2 KB entry.
    expect(putWriteUnits(record('LAUNCHING', 2, 1500), first.entry).units).toBe(6);
    expect(putWriteUnits(record('READY', 1, 1500), first.entry).units).toBe(6);
  });

  it('charges one index write when only projected attributes change', () => {
    const first = putWriteUnits(record('LAUNCHING', 1), undefined);
    expect(putWriteUnits(record('LAUNCHING', 1, 10), first.entry).units).toBe(2);
  });

  it('charges items without a status (command refs, claims, markers) in the table only', () => {
    const { units, entry } = putWriteUnits({ pk: 'cmd#1', sentAt: 1 }, undefined);
    expect(units).toBe(1);
    expect(entry).toBeUndefined();
  });
});
