// The exact DynamoDB requests the store makes (dynamo.test.ts proves the behaviour against dynalite).
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { beforeEach, expect, it } from 'vitest';
import { VersionConflictError } from '../../lib/engine/ports';
import { encodeCursor } from '../../lib/store/cursor';
import { createDocumentClient, createDynamoStore } from '../../lib/store/dynamo';
import { bareRecord, joinCommand, T0 } from './records';

const client = createDocumentClient(undefined, {
  region: 'us-east-1',
  credentials: { accessKeyId: 'AKIDLOCAL', secretAccessKey: 'local-secret' },
});
const ddb = mockClient(DynamoDBDocumentClient);
const store = createDynamoStore({ client, tableName: 'records' });

beforeEach(() => {
  ddb.reset();
});

it('creates with attribute_not_exists(pk)', async () => {
  ddb.on(PutCommand).resolves({});
  const record = bareRecord();
  await store.put(record, undefined);
  expect(ddb).toHaveReceivedCommandWith(PutCommand, {
    TableName: 'records',
    Item: { ...record, pk: 'host#i-0123456789abcdef0' },
    ConditionExpression: 'attribute_not_exists(pk)',
  });
});

it('updates on the expected version and turns a failed condition into VersionConflictError', async () => {
  ddb
    .on(PutCommand)
    .rejects(new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} }));
  const record = bareRecord({ version: 4, status: 'TERMINATED', step: 'done' });
  await expect(store.put(record, 3)).rejects.toThrow(VersionConflictError);
  expect(ddb).toHaveReceivedCommandWith(PutCommand, {
    TableName: 'records',
    Item: { ...record, pk: 'host#i-0123456789abcdef0', expiresAt: T0 + 90 * 86_400 },
    ConditionExpression: '#v = :expected',
    ExpressionAttributeNames: { '#v': 'version' },
    ExpressionAttributeValues: { ':expected': 3 },
  });
});

it('passes other write errors through untouched', async () => {
  ddb.on(PutCommand).rejects(Object.assign(new Error('slow down'), { name: 'ThrottlingException' }));
  await expect(store.put(bareRecord(), undefined)).rejects.toThrow(/^slow down$/);
});

it('reads consistently', async () => {
  ddb.on(GetCommand).resolves({});
  await store.get('i-0123456789abcdef0');
  expect(ddb).toHaveReceivedCommandWith(GetCommand, {
    TableName: 'records',
    Key: { pk: 'host#i-0123456789abcdef0' },
    ConsistentRead: true,
  });
});

it('queries the byStatus index newest first and passes the decoded cursor as ExclusiveStartKey', async () => {
  const key = { pk: 'host#i-0123456789abcdef0', status: 'FAILED', updatedAt: T0 };
  ddb.on(QueryCommand).resolves({ Items: [], LastEvaluatedKey: key });
  const page = await store.listByStatus('FAILED', { limit: 25, cursor: encodeCursor(key) });
  expect(ddb).toHaveReceivedCommandWith(QueryCommand, {
    TableName: 'records',
    IndexName: 'byStatus',
    KeyConditionExpression: '#s = :status',
    ExpressionAttributeNames: { '#s': 'status' },
    ExpressionAttributeValues: { ':status': 'FAILED' },
    ScanIndexForward: false,
    Limit: 25,
    ExclusiveStartKey: key,
  });
  expect(page).toEqual({ items: [], cursor: encodeCursor(key) });
});

it("appends a join ref's hosts in one UpdateItem, setting the other attributes only on the first write", async () => {
  ddb.on(UpdateCommand).resolves({});
  await store.putCommand(joinCommand());
  expect(ddb).toHaveReceivedCommandWith(UpdateCommand, {
    TableName: 'records',
    Key: { pk: 'cmd#c1' },
    UpdateExpression:
      'SET #ids = list_append(if_not_exists(#ids, :none), :ids), #cid = if_not_exists(#cid, :cid), ' +
      '#a0 = if_not_exists(#a0, :a0), #a1 = if_not_exists(#a1, :a1), #a2 = if_not_exists(#a2, :a2), ' +
      '#a3 = if_not_exists(#a3, :a3), #a4 = if_not_exists(#a4, :a4)',
    ExpressionAttributeNames: {
      '#ids': 'instanceIds',
      '#cid': 'commandId',
      '#a0': 'purpose',
      '#a1': 'documentName',
      '#a2': 'targetInstanceId',
      '#a3': 'sentAt',
      '#a4': 'expiresAt',
    },
    ExpressionAttributeValues: {
      ':none': [],
      ':ids': ['i-0123456789abcdef0'],
      ':cid': 'c1',
      ':a0': 'join',
      ':a1': 'AWS-JoinDirectoryServiceDomain',
      ':a2': 'i-0123456789abcdef0',
      ':a3': T0,
      ':a4': T0 + 7 * 86_400,
    },
  });
  expect(ddb.commandCalls(PutCommand)).toHaveLength(0);
});
