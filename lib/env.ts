// The deployment's environment as the handlers read it: required variables, the records table they name,
// and the status page's cold-start state (the store only). Kept apart from lib/runtime.ts, which builds the
// workflow's SDK clients, so the status page reads its environment the same way without bundling them.
import { clientConfig } from './aws/client-config';
import { ConfigError } from './config/error';
import type { Store } from './engine/ports';
import { createDocumentClient, createDynamoStore } from './store/dynamo';

/** An environment variable the deployment sets (serverless.yml); missing or empty is a ConfigError naming it. */
export function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new ConfigError(`environment variable ${name} is required`);
  return value;
}

/** The records table, through DynamoDB Local when the sandbox or a test sets GMSA_READY_DYNAMODB_ENDPOINT. */
export function storeFor(tableName: string): Store {
  return createDynamoStore({
    client: createDocumentClient(process.env.GMSA_READY_DYNAMODB_ENDPOINT, clientConfig),
    tableName,
  });
}

/** The status page only reads records: it gets the store and no config, clients or effector. */
export interface StatusRuntime {
  store: Store;
}

let cachedStatus: StatusRuntime | undefined;

export function statusRuntime(): StatusRuntime {
  cachedStatus ??= { store: storeFor(required('TABLE_NAME')) };
  return cachedStatus;
}
