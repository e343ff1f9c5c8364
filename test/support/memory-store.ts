// An in-memory Store with the same optimistic-lock contract as the DynamoDB one, for engine tests.
import {
  type CommandRef,
  isHostCommand,
  type Lane,
  type Page,
  type Store,
  VersionConflictError,
} from '../../lib/engine/ports';
import type { HostRecord, Status } from '../../lib/workflow/types';

export class MemoryStore implements Store {
  readonly records = new Map<string, HostRecord>();
  readonly commands = new Map<string, CommandRef>();
  readonly markers = new Map<string, string>();
  /** objectSID → the instance id holding it. */
  readonly identities = new Map<string, string>();
  readonly lanes = new Map<string, Lane>();
  writes = 0;

  async get(instanceId: string) {
    const record = this.records.get(instanceId);
    return record && structuredClone(record);
  }
  async put(record: HostRecord, expectedVersion: number | undefined) {
    const current = this.records.get(record.instanceId);
    if (expectedVersion === undefined ? current !== undefined : current?.version !== expectedVersion)
      throw new VersionConflictError(`record ${record.instanceId} moved`);
    this.records.set(record.instanceId, structuredClone(record));
    this.writes += 1;
  }
  async putCommand(command: CommandRef) {
    const known = this.commands.get(command.commandId);
    // The hosts of a shared join or refresh merge into one ref, as the DynamoDB store's UpdateItem does.
    const merged =
      known && isHostCommand(command)
        ? { ...known, instanceIds: [...new Set([...known.instanceIds, ...command.instanceIds])] }
        : command;
    this.commands.set(command.commandId, structuredClone(merged));
  }
  async getCommand(commandId: string) {
    return this.commands.get(commandId);
  }
  async listByStatus(status: Status, options: { limit: number; cursor?: string }): Promise<Page<HostRecord>> {
    const all = [...this.records.values()].filter((r) => r.status === status).sort((a, b) => b.updatedAt - a.updatedAt);
    const start = Number(options.cursor ?? 0);
    const end = start + options.limit;
    return {
      items: all.slice(start, end).map((r) => structuredClone(r)),
      cursor: end < all.length ? String(end) : undefined,
    };
  }
  async claimIdentity(objectSid: string, instanceId: string, replacing?: string) {
    const holder = this.identities.get(objectSid);
    if (holder === undefined || holder === instanceId || holder === replacing)
      this.identities.set(objectSid, instanceId);
    return this.identities.get(objectSid) as string;
  }
  async getMarker(name: string) {
    return this.markers.get(name);
  }
  async putMarker(name: string, value: string | undefined) {
    if (value === undefined) this.markers.delete(name);
    else this.markers.set(name, value);
  }
  async getLane(key: string) {
    const lane = this.lanes.get(key);
    return lane && structuredClone(lane);
  }
  async putLane(lane: Lane, expectedVersion: number) {
    if ((this.lanes.get(lane.key)?.version ?? 0) !== expectedVersion)
      throw new VersionConflictError(`lane ${lane.key} moved`);
    this.lanes.set(lane.key, structuredClone(lane));
  }
}
