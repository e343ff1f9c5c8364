// What a workflow handler needs, built once per cold start from the environment: the validated config,
// the store, the AWS effector with its clients, telemetry. A bad config fails here, loudly, with its path.
import { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { ECSClient } from '@aws-sdk/client-ecs';
import { ResourceGroupsTaggingAPIClient } from '@aws-sdk/client-resource-groups-tagging-api';
import { SQSClient } from '@aws-sdk/client-sqs';
import { SSMClient } from '@aws-sdk/client-ssm';
import { clientConfig } from './aws/client-config';
import { createAwsEffector } from './aws/effector';
import { JOIN_DOCUMENT } from './aws/ssm';
import { now } from './clock';
import { ConfigError, parseConfig } from './config/load';
import type { InspectEffect } from './credspec';
import type { EngineDeps } from './engine/engine';
import { createDocumentClient, createDynamoStore } from './store/dynamo';
import { logger, powertoolsTelemetry } from './telemetry';
import type { CredSpecCheck } from './workflow/types';

export interface WorkflowRuntime extends EngineDeps {
  ssm: SSMClient;
  env: WorkflowEnv;
}

export interface WorkflowEnv {
  region: string;
  accountId: string;
  tableName: string;
  wakeQueueUrl: string;
  directoryQueueUrl: string;
  refreshWindowsDocument: string;
  refreshLinuxDocument: string;
  groupChangeDocument: string;
  listMembersDocument: string;
}

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new ConfigError(`environment variable ${name} is required`);
  return value;
}

export function readEnv(): WorkflowEnv {
  return {
    region: required('AWS_REGION'),
    accountId: required('ACCOUNT_ID'),
    tableName: required('TABLE_NAME'),
    wakeQueueUrl: required('WAKE_QUEUE_URL'),
    directoryQueueUrl: required('DIRECTORY_QUEUE_URL'),
    refreshWindowsDocument: required('REFRESH_WINDOWS_DOCUMENT'),
    refreshLinuxDocument: required('REFRESH_LINUX_DOCUMENT'),
    groupChangeDocument: required('GROUP_CHANGE_DOCUMENT'),
    listMembersDocument: required('LIST_MEMBERS_DOCUMENT'),
  };
}

export function readConfig() {
  const text = required('GMSA_READY_CONFIG');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`GMSA_READY_CONFIG is not JSON: ${(error as Error).message}`);
  }
  return parseConfig(value, 'GMSA_READY_CONFIG');
}

/**
 * The credential spec checker and the clients only it uses (S3, Secrets Manager, IAM) load on the first
 * verify, not at cold start: most invocations never verify, and these modules cost import time.
 */
function lazyCredSpecChecker(ssm: SSMClient, ecs: ECSClient): (effect: InspectEffect) => Promise<CredSpecCheck[]> {
  let checker: Promise<(effect: InspectEffect) => Promise<CredSpecCheck[]>> | undefined;
  return async (effect) => {
    checker ??= Promise.all([
      import('./credspec'),
      import('@aws-sdk/client-s3'),
      import('@aws-sdk/client-secrets-manager'),
      import('@aws-sdk/client-iam'),
    ]).then(([{ credSpecCheckerFor }, { S3Client }, { SecretsManagerClient }, { IAMClient }]) =>
      credSpecCheckerFor({
        ssm,
        ecs,
        // An S3 ARN names no Region: follow the bucket's.
        s3: new S3Client({ ...clientConfig, followRegionRedirects: true }),
        secrets: new SecretsManagerClient(clientConfig),
        iam: new IAMClient(clientConfig),
      }),
    );
    return (await checker)(effect);
  };
}

let cached: WorkflowRuntime | undefined;

export function workflowRuntime(): WorkflowRuntime {
  if (cached) return cached;
  const env = readEnv();
  const config = readConfig();
  const ssm = new SSMClient(clientConfig);
  const ecs = new ECSClient(clientConfig);
  const credSpecs = lazyCredSpecChecker(ssm, ecs);
  const effector = createAwsEffector({
    ssm,
    ecs,
    autoScaling: new AutoScalingClient(clientConfig),
    sqs: new SQSClient(clientConfig),
    tagging: new ResourceGroupsTaggingAPIClient(clientConfig),
    credSpecs,
    env,
    warn: (message, fields) => logger.warn(message, fields),
  });
  const store = createDynamoStore({
    client: createDocumentClient(process.env.GMSA_READY_DYNAMODB_ENDPOINT, clientConfig),
    tableName: env.tableName,
  });
  cached = {
    config,
    store,
    effector,
    telemetry: powertoolsTelemetry(),
    now,
    documents: {
      join: JOIN_DOCUMENT,
      refreshWindows: env.refreshWindowsDocument,
      refreshLinux: env.refreshLinuxDocument,
    },
    ssm,
    env,
  };
  return cached;
}

/** Forgets the cold-start state, as a new Lambda container would (sandbox runs several worlds in one process). */
export function resetRuntime(): void {
  cached = undefined;
}
