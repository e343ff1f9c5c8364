// Counts the DynamoDB calls handlers make and estimates the on-demand request units they would cost:
// the store talks to dynalite through the real DynamoDBDocumentClient, so its `send` is wrapped (the
// calls themselves are untouched). Sizes are JSON lengths of the items, a close upper bound of
// DynamoDB's own item size.
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

const KB = 1024;

type Send = (
  command: { input?: Record<string, unknown>; constructor: { name: string } },
  ...rest: unknown[]
) => unknown;

export class DynamoMeter {
  readonly calls: Record<string, number> = {};
  readRequestUnits = 0;
  writeRequestUnits = 0;
  /** The byStatus index entry each key has now (its keys and size), to price the next write's index work. */
  private readonly indexed = new Map<string, IndexEntry>();
  private restore?: () => void;

  install(counting: () => boolean): void {
    const proto = DynamoDBDocumentClient.prototype as unknown as { send: Send };
    const own = Object.hasOwn(proto, 'send');
    const inherited = proto.send;
    const meter = this;
    proto.send = async function (this: unknown, command, ...rest) {
      if (!counting()) return inherited.call(this, command, ...rest);
      const api = `dynamodb:${command.constructor.name.replace(/Command$/, '')}`;
      meter.calls[api] = (meter.calls[api] ?? 0) + 1;
      const result = (await inherited.call(this, command, ...rest)) as Record<string, unknown>;
      meter.charge(api, command.input ?? {}, result ?? {});
      return result;
    };
    this.restore = () => {
      if (own) proto.send = inherited;
      else delete (proto as Partial<typeof proto>).send;
    };
  }

  uninstall(): void {
    this.restore?.();
    this.restore = undefined;
  }

  /**
   * On-demand units: a consistent GetItem reads 1 RRU per 4 KB (1 if absent); a GSI Query is eventually
   * consistent, half that over the returned items; a PutItem writes 1 WRU per KB, plus the byStatus index's
   * own writes (putWriteUnits). A refused conditional write (a lost race) is not charged here.
   */
  private charge(api: string, input: Record<string, unknown>, result: Record<string, unknown>): void {
    if (api === 'dynamodb:Get') this.readRequestUnits += Math.max(1, Math.ceil(size(result.Item) / (4 * KB)));
    else if (api === 'dynamodb:Query') {
      const bytes = ((result.Items as unknown[]) ?? []).reduce<number>((sum, item) => sum + size(item), 0);
      this.readRequestUnits += Math.max(1, Math.ceil(bytes / (4 * KB))) / 2;
    } else if (api === 'dynamodb:Put') {
      const item = (input.Item ?? {}) as Record<string, unknown>;
      const key = String(item.pk);
      const { units, entry } = putWriteUnits(item, this.indexed.get(key));
      this.writeRequestUnits += units;
      if (entry) this.indexed.set(key, entry);
      else this.indexed.delete(key);
    }
  }
}

/** A byStatus index entry: its key attributes (status, updatedAt) and its size (projection ALL: the item's). */
export interface IndexEntry {
  status: unknown;
  updatedAt: unknown;
  bytes: number;
}

/**
 * Write units of one PutItem on a table whose byStatus index (keys status + updatedAt, projection ALL) holds
 * items that have a status. DynamoDB Developer Guide, "Global secondary indexes", writes: an item newly in the
 * index costs one index write of its size; a write that changes an index key attribute costs two (the old entry
 * deleted, the new one put); one that changes only projected attributes costs one; an item leaving the index
 * costs the deletion of its old entry. `updatedAt` is a key and moves on nearly every write, so most record
 * writes pay the delete and the put.
 */
export function putWriteUnits(
  item: Record<string, unknown>,
  before: IndexEntry | undefined,
): { units: number; entry: IndexEntry | undefined } {
  const bytes = size(item);
  const units = Math.max(1, Math.ceil(bytes / KB));
  const entry = item.status === undefined ? undefined : { status: item.status, updatedAt: item.updatedAt, bytes };
  const removed = before ? Math.max(1, Math.ceil(before.bytes / KB)) : 0;
  if (!entry) return { units: units + removed, entry };
  const keyMoved = before !== undefined && (before.status !== entry.status || before.updatedAt !== entry.updatedAt);
  return { units: units + units + (keyMoved ? removed : 0), entry };
}

function size(item: unknown): number {
  return item === undefined ? 0 : Buffer.byteLength(JSON.stringify(item));
}
