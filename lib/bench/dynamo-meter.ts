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
  /** Last status written per key: a status change also deletes the old entry of the byStatus index. */
  private readonly statusByKey = new Map<string, unknown>();
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
   * consistent, half that over the returned items; a PutItem writes 1 WRU per KB, again for the byStatus
   * index (projection ALL) when the item has a status, and once more to drop the old index entry when the
   * status changed. A refused conditional write (a lost race) is not charged here.
   */
  private charge(api: string, input: Record<string, unknown>, result: Record<string, unknown>): void {
    if (api === 'dynamodb:Get') this.readRequestUnits += Math.max(1, Math.ceil(size(result.Item) / (4 * KB)));
    else if (api === 'dynamodb:Query') {
      const bytes = ((result.Items as unknown[]) ?? []).reduce<number>((sum, item) => sum + size(item), 0);
      this.readRequestUnits += Math.max(1, Math.ceil(bytes / (4 * KB))) / 2;
    } else if (api === 'dynamodb:Put') {
      const item = (input.Item ?? {}) as Record<string, unknown>;
      const units = Math.max(1, Math.ceil(size(item) / KB));
      this.writeRequestUnits += units;
      if (item.status !== undefined) {
        const key = String(item.pk);
        const before = this.statusByKey.get(key);
        this.writeRequestUnits += units + (before !== undefined && before !== item.status ? 1 : 0);
        this.statusByKey.set(key, item.status);
      }
    }
  }
}

function size(item: unknown): number {
  return item === undefined ? 0 : Buffer.byteLength(JSON.stringify(item));
}
