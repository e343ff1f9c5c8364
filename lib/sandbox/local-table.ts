// The state store for a sandbox run: an in-process dynalite holding a fresh gmsa-ready table.
import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { CreateTableCommand, DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { createDocumentClient, createTableInput } from '../store/dynamo';

// dynalite ships CommonJS without types; this is the one function used.
const dynalite = createRequire(import.meta.url)('dynalite') as (options: Record<string, number>) => Server;

export const LOCAL_CREDENTIALS = { accessKeyId: 'AKIDSANDBOX', secretAccessKey: 'sandbox-secret' };
const MAX_STATUS_POLLS = 100;

export interface LocalTable {
  endpoint: string;
  tableName: string;
  stop(): Promise<void>;
}

export async function startLocalTable(tableName: string, region: string): Promise<LocalTable> {
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const stop = () => new Promise<void>((resolve) => server.close(() => resolve()));
  const client = createDocumentClient(endpoint, { region, credentials: LOCAL_CREDENTIALS });
  try {
    await client.send(new CreateTableCommand(createTableInput(tableName)));
    // dynalite flips CREATING to ACTIVE on a zero-delay timer: a few round trips, never a wait.
    for (let poll = 0; ; poll++) {
      const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
      if (
        Table?.TableStatus === 'ACTIVE' &&
        (Table.GlobalSecondaryIndexes ?? []).every((i) => i.IndexStatus === 'ACTIVE')
      )
        break;
      if (poll >= MAX_STATUS_POLLS) throw new Error(`local table ${tableName} did not become ACTIVE`);
    }
  } catch (error) {
    await stop();
    throw error;
  } finally {
    client.destroy();
  }
  return { endpoint, tableName, stop };
}
