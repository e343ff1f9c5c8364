// The Store port on one DynamoDB table. Host records and command refs share the table, told apart by
// the key prefix; only host records carry `status`, so only they appear in the byStatus index.
import {
  type AttributeDefinition,
  type BillingMode,
  type CreateTableCommandInput,
  DynamoDBClient,
  type DynamoDBClientConfig,
  type GlobalSecondaryIndex,
  type KeySchemaElement,
  type TimeToLiveSpecification,
} from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { CommandRef, Lane, Page, Store } from '../engine/ports';
import { isHostCommand, VersionConflictError } from '../engine/ports';
import type { HostRecord, Status } from '../workflow/types';
import { decodeCursor, encodeCursor } from './cursor';

const DAY = 86_400;
/** Terminated records outlive the host so the scavenger can still tell whose computer account it was. */
export const TERMINATED_RETENTION_SECONDS = 90 * DAY;
export const COMMAND_RETENTION_SECONDS = 7 * DAY;
export const STATUS_INDEX = 'byStatus';
const MAX_PAGE = 1000;

/** The table as CloudFormation (AWS::DynamoDB::Table Properties) and CreateTable both spell it. */
export const tableDefinition: {
  BillingMode: BillingMode;
  AttributeDefinitions: AttributeDefinition[];
  KeySchema: KeySchemaElement[];
  GlobalSecondaryIndexes: GlobalSecondaryIndex[];
  TimeToLiveSpecification: TimeToLiveSpecification;
} = {
  BillingMode: 'PAY_PER_REQUEST',
  AttributeDefinitions: [
    { AttributeName: 'pk', AttributeType: 'S' },
    { AttributeName: 'status', AttributeType: 'S' },
    { AttributeName: 'updatedAt', AttributeType: 'N' },
  ],
  KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
  GlobalSecondaryIndexes: [
    {
      IndexName: STATUS_INDEX,
      KeySchema: [
        { AttributeName: 'status', KeyType: 'HASH' },
        { AttributeName: 'updatedAt', KeyType: 'RANGE' },
      ],
      Projection: { ProjectionType: 'ALL' },
    },
  ],
  TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
};

/** CreateTable input for local tables (dynalite, sandbox); TTL is a separate API there and not emulated. */
export function createTableInput(tableName: string): CreateTableCommandInput {
  const { TimeToLiveSpecification: _ttl, ...table } = structuredClone(tableDefinition);
  return { TableName: tableName, ...table };
}

/** HostRecord optional fields may be present-but-undefined; the store needs them dropped, not rejected. */
export function createDocumentClient(endpoint?: string, config: DynamoDBClientConfig = {}): DynamoDBDocumentClient {
  const client = new DynamoDBClient(endpoint ? { ...config, endpoint } : config);
  return DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
}

const hostKey = (instanceId: string) => `host#${instanceId}`;
const commandKey = (commandId: string) => `cmd#${commandId}`;
const markerKey = (name: string) => `meta#${name}`;
const identityKey = (objectSid: string) => `sid#${objectSid}`;
const laneKey = (key: string) => `lane#${key}`;

function hostItem(record: HostRecord): Record<string, unknown> {
  const item: Record<string, unknown> = { ...record, pk: hostKey(record.instanceId) };
  if (record.status === 'TERMINATED') item.expiresAt = record.updatedAt + TERMINATED_RETENTION_SECONDS;
  return item;
}

/** Drops the storage-only attributes so callers get back exactly what they wrote. */
function fromItem<T>(item: Record<string, unknown>): T {
  const { pk: _pk, expiresAt: _expiresAt, ...rest } = item;
  return rest as T;
}

function isConditionFailure(error: unknown): boolean {
  return error instanceof Error && error.name === 'ConditionalCheckFailedException';
}

export function createDynamoStore({ client, tableName }: { client: DynamoDBDocumentClient; tableName: string }): Store {
  if (!tableName) throw new Error('tableName: required');

  return {
    async get(instanceId) {
      const { Item } = await client.send(
        new GetCommand({ TableName: tableName, Key: { pk: hostKey(instanceId) }, ConsistentRead: true }),
      );
      return Item ? fromItem<HostRecord>(Item) : undefined;
    },

    async put(record, expectedVersion) {
      // A write that does not move the version would let two writers both pass the same condition.
      if (expectedVersion !== undefined && !(record.version > expectedVersion)) {
        throw new Error(`version: ${record.version} must be greater than the expected version ${expectedVersion}`);
      }
      const condition =
        expectedVersion === undefined
          ? { ConditionExpression: 'attribute_not_exists(pk)' }
          : {
              ConditionExpression: '#v = :expected',
              ExpressionAttributeNames: { '#v': 'version' },
              ExpressionAttributeValues: { ':expected': expectedVersion },
            };
      try {
        await client.send(new PutCommand({ TableName: tableName, Item: hostItem(record), ...condition }));
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
        const why = expectedVersion === undefined ? 'already exists' : `is no longer at version ${expectedVersion}`;
        throw new VersionConflictError(`record ${record.instanceId} ${why}`, { cause: error });
      }
    },

    async putCommand(command) {
      const expiresAt = command.sentAt + COMMAND_RETENTION_SECONDS;
      if (!isHostCommand(command)) {
        await client.send(
          new PutCommand({ TableName: tableName, Item: { ...command, pk: commandKey(command.commandId), expiresAt } }),
        );
        return;
      }
      // One join or refresh command serves up to 50 hosts, and each host's loop indexes it on its own: each
      // write appends its hosts in one UpdateItem (atomic on the item), the first one sets the rest.
      const { commandId: _id, instanceIds, ...rest } = command;
      const fields = { ...rest, expiresAt } as Record<string, unknown>;
      const names = Object.keys(fields).filter((name) => fields[name] !== undefined);
      await client.send(
        new UpdateCommand({
          TableName: tableName,
          Key: { pk: commandKey(command.commandId) },
          UpdateExpression: `SET #ids = list_append(if_not_exists(#ids, :none), :ids), #cid = if_not_exists(#cid, :cid), ${names
            .map((_, i) => `#a${i} = if_not_exists(#a${i}, :a${i})`)
            .join(', ')}`,
          ExpressionAttributeNames: {
            '#ids': 'instanceIds',
            '#cid': 'commandId',
            ...Object.fromEntries(names.map((name, i) => [`#a${i}`, name])),
          },
          ExpressionAttributeValues: {
            ':none': [],
            ':ids': instanceIds,
            ':cid': command.commandId,
            ...Object.fromEntries(names.map((name, i) => [`:a${i}`, fields[name]])),
          },
        }),
      );
    },

    async getCommand(commandId) {
      const { Item } = await client.send(
        new GetCommand({ TableName: tableName, Key: { pk: commandKey(commandId) }, ConsistentRead: true }),
      );
      if (!Item) return undefined;
      const command = fromItem<CommandRef>(Item);
      // A host indexed twice (a retried write) is one host.
      return isHostCommand(command) ? { ...command, instanceIds: [...new Set(command.instanceIds)] } : command;
    },

    async claimIdentity(objectSid, instanceId, replacing) {
      const names = { '#h': 'holder' };
      const values: Record<string, string> = { ':me': instanceId };
      let condition = 'attribute_not_exists(pk) OR #h = :me';
      if (replacing !== undefined) {
        values[':old'] = replacing;
        condition += ' OR #h = :old';
      }
      try {
        await client.send(
          new PutCommand({
            TableName: tableName,
            Item: { pk: identityKey(objectSid), holder: instanceId },
            ConditionExpression: condition,
            ExpressionAttributeNames: names,
            ExpressionAttributeValues: values,
          }),
        );
        return instanceId;
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
      }
      const { Item } = await client.send(
        new GetCommand({ TableName: tableName, Key: { pk: identityKey(objectSid) }, ConsistentRead: true }),
      );
      // Gone between the two calls (nothing deletes claims today): report nobody, and the core asks again.
      return typeof Item?.holder === 'string' ? Item.holder : '';
    },

    async getMarker(name) {
      const { Item } = await client.send(
        new GetCommand({ TableName: tableName, Key: { pk: markerKey(name) }, ConsistentRead: true }),
      );
      return typeof Item?.value === 'string' ? Item.value : undefined;
    },

    async putMarker(name, value) {
      const item = value === undefined ? { pk: markerKey(name) } : { pk: markerKey(name), value };
      await client.send(new PutCommand({ TableName: tableName, Item: item }));
    },

    async getLane(key) {
      const { Item } = await client.send(
        new GetCommand({ TableName: tableName, Key: { pk: laneKey(key) }, ConsistentRead: true }),
      );
      return Item ? fromItem<Lane>(Item) : undefined;
    },

    async putLane(lane, expectedVersion) {
      if (!(lane.version > expectedVersion))
        throw new Error(`version: ${lane.version} must be greater than the expected version ${expectedVersion}`);
      // Version 0 is the lane never stored; a lane carries no status, so it stays out of the byStatus index.
      const condition =
        expectedVersion === 0
          ? { ConditionExpression: 'attribute_not_exists(pk)' }
          : {
              ConditionExpression: '#v = :expected',
              ExpressionAttributeNames: { '#v': 'version' },
              ExpressionAttributeValues: { ':expected': expectedVersion },
            };
      try {
        await client.send(
          new PutCommand({ TableName: tableName, Item: { ...lane, pk: laneKey(lane.key) }, ...condition }),
        );
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
        throw new VersionConflictError(`lane ${lane.key} is no longer at version ${expectedVersion}`, { cause: error });
      }
    },

    async listByStatus(status: Status, { limit, cursor }): Promise<Page<HostRecord>> {
      if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE) {
        throw new Error(`limit: must be an integer from 1 to ${MAX_PAGE}, got ${limit}`);
      }
      const { Items = [], LastEvaluatedKey } = await client.send(
        new QueryCommand({
          TableName: tableName,
          IndexName: STATUS_INDEX,
          KeyConditionExpression: '#s = :status',
          ExpressionAttributeNames: { '#s': 'status' },
          ExpressionAttributeValues: { ':status': status },
          ScanIndexForward: false,
          Limit: limit,
          ...(cursor === undefined ? {} : { ExclusiveStartKey: { ...decodeCursor(cursor, status) } }),
        }),
      );
      const items = Items.map((item) => fromItem<HostRecord>(item));
      return LastEvaluatedKey ? { items, cursor: encodeCursor(LastEvaluatedKey) } : { items };
    },
  };
}
