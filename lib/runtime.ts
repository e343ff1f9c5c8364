// What a workflow handler needs, built once per cold start from the environment: the validated config,
// the store, the AWS effector with the clients its function's capabilities need (lib/capabilities.ts),
// telemetry. A bad config fails here, loudly, with its path. The environment is read through lib/env.ts,
// which the status page uses too.
import { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { ECSClient } from '@aws-sdk/client-ecs';
import { ResourceGroupsTaggingAPIClient } from '@aws-sdk/client-resource-groups-tagging-api';
import { SQSClient } from '@aws-sdk/client-sqs';
import { SSMClient } from '@aws-sdk/client-ssm';
import { clientConfig } from './aws/client-config';
import { createAwsEffector } from './aws/effector';
import { createHandOn } from './aws/hand-on';
import { JOIN_DOCUMENT } from './aws/ssm';
import { FUNCTION_CAPABILITIES } from './capabilities';
import { now } from './clock';
import { ConfigError, parseConfig } from './config/load';
import type { InspectEffect } from './credspec';
import { rememberChecks } from './credspec/remember';
import type { EngineDeps } from './engine/engine';
import { required, storeFor } from './env';
import type { FunctionKey } from './infra/names';
import { logger, powertoolsTelemetry } from './telemetry';
import type { CredSpecCheck } from './workflow/types';

export interface WorkflowRuntime extends EngineDeps {
  ssm: SSMClient;
  sqs: SQSClient;
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
  joinWindowsDocument?: string;
  joinLinuxDocument?: string;
  groupChangeDocument: string;
  listMembersDocument: string;
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
    joinWindowsDocument: process.env.JOIN_WINDOWS_DOCUMENT || undefined,
    joinLinuxDocument: process.env.JOIN_LINUX_DOCUMENT || undefined,
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
function lazyCredSpecChecker(
  ssm: SSMClient,
  ecs: ECSClient,
  stack: { region: string; accountId: string },
): (effect: InspectEffect) => Promise<CredSpecCheck[]> {
  let checker: Promise<(effect: InspectEffect) => Promise<CredSpecCheck[]>> | undefined;
  return async (effect) => {
    checker ??= Promise.all([
      import('./credspec'),
      import('@aws-sdk/client-s3'),
      import('@aws-sdk/client-secrets-manager'),
      import('@aws-sdk/client-iam'),
    ]).then(([{ credSpecCheckerFor }, { S3Client }, { SecretsManagerClient }, { IAMClient }]) =>
      credSpecCheckerFor(
        {
          ssm,
          ecs,
          // An S3 ARN names no Region: follow the bucket's.
          s3: new S3Client({ ...clientConfig, followRegionRedirects: true }),
          secrets: new SecretsManagerClient(clientConfig),
          iam: new IAMClient(clientConfig),
        },
        stack,
      ),
    );
    return (await checker)(effect);
  };
}

/** The functions that drive hosts through the workflow: they hold the same capabilities (lib/capabilities.ts). */
export type WorkerKey = 'lifecycle' | 'commandStatus' | 'continue' | 'reconciler';

const cached = new Map<FunctionKey, WorkflowRuntime>();

function engineBasics(env: WorkflowEnv) {
  return {
    config: readConfig(),
    store: storeFor(env.tableName),
    telemetry: powertoolsTelemetry(),
    now,
    documents: {
      join: JOIN_DOCUMENT,
      refreshWindows: env.refreshWindowsDocument,
      refreshLinux: env.refreshLinuxDocument,
      joinWindows: env.joinWindowsDocument,
      joinLinux: env.joinLinuxDocument,
    },
  };
}

/** A worker's runtime: its effector performs every workflow effect, with the clients its capabilities need. */
export function workflowRuntime(key: WorkerKey): WorkflowRuntime {
  const hit = cached.get(key);
  if (hit) return hit;
  const env = readEnv();
  const ssm = new SSMClient(clientConfig);
  const ecs = new ECSClient(clientConfig);
  const sqs = new SQSClient(clientConfig);
  const effector = createAwsEffector(FUNCTION_CAPABILITIES[key], {
    ssm,
    ecs,
    autoScaling: new AutoScalingClient(clientConfig),
    sqs,
    tagging: new ResourceGroupsTaggingAPIClient(clientConfig),
    credSpecs: rememberChecks(lazyCredSpecChecker(ssm, ecs, { region: env.region, accountId: env.accountId }), now),
    env,
    warn: (message: string, fields: Record<string, unknown>) => logger.warn(message, fields),
  });
  const runtime = { ...engineBasics(env), effector, ssm, sqs, env };
  cached.set(key, runtime);
  return runtime;
}

/**
 * The directory function's runtime: SSM for the management hosts, SQS for what it may not do itself. Every
 * other effect its records ask for is handed on to the wake queue (its role cannot reach a fleet host).
 */
export function directoryRuntime(): WorkflowRuntime {
  const hit = cached.get('directory');
  if (hit) return hit;
  const env = readEnv();
  const capabilities = FUNCTION_CAPABILITIES.directory;
  const sqs = new SQSClient(clientConfig);
  const runtime = {
    ...engineBasics(env),
    effector: createAwsEffector(capabilities, { sqs, env }),
    handOn: createHandOn(capabilities, sqs, env.wakeQueueUrl),
    ssm: new SSMClient(clientConfig),
    sqs,
    env,
  };
  cached.set('directory', runtime);
  return runtime;
}

/** Forgets the cold-start state, as a new Lambda container would (sandbox runs several worlds in one process). */
export function resetRuntime(): void {
  cached.clear();
}
