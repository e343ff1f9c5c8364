// An in-process dynalite with a fresh gmsa-ready table, for tests that want a real DynamoDB protocol
// without the network. Each call starts its own server on a free port; stop() closes it.
import type { AddressInfo } from 'node:net';
import { CreateTableCommand, DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import dynalite from 'dynalite';
import { createDocumentClient, createTableInput } from '../../lib/store/dynamo';

export interface LocalTable {
  endpoint: string;
  client: DynamoDBDocumentClient;
  tableName: string;
  stop(): Promise<void>;
}

const FAKE_CREDENTIALS = { accessKeyId: 'AKIDLOCAL', secretAccessKey: 'local-secret' };
const MAX_STATUS_POLLS = 100;

export async function startDynalite(): Promise<LocalTable> {
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const endpoint = `http://127.0.0.1:${port}`;
  const client = createDocumentClient(endpoint, { region: 'us-east-1', credentials: FAKE_CREDENTIALS });
  const tableName = 'gmsa-ready-test';
  const stop = async () => {
    client.destroy();
    await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
  };
  try {
    await client.send(new CreateTableCommand(createTableInput(tableName)));
    await untilActive(client, tableName);
  } catch (error) {
    await stop();
    throw error;
  }
  return { endpoint, client, tableName, stop };
}

/** dynalite flips CREATING to ACTIVE on a zero-delay timer: a few round trips, never a wall-clock wait. */
async function untilActive(client: DynamoDBDocumentClient, tableName: string): Promise<void> {
  for (let poll = 0; poll < MAX_STATUS_POLLS; poll++) {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    const indexesActive = (Table?.GlobalSecondaryIndexes ?? []).every((index) => index.IndexStatus === 'ACTIVE');
    if (Table?.TableStatus === 'ACTIVE' && indexesActive) return;
  }
  throw new Error(`dynalite table ${tableName} not ACTIVE after ${MAX_STATUS_POLLS} polls`);
}
