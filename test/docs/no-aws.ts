// Runs a step as on a machine with no AWS configuration at all: no Region, no credentials, no profile,
// no shared config files, no instance metadata. The SDK then fails before sending any request.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Every variable the SDK's Region and credential chains read (@aws-sdk/credential-provider-node). */
const CLEARED = [
  'AWS_REGION',
  'AWS_DEFAULT_REGION',
  'AWS_PROFILE',
  'AWS_DEFAULT_PROFILE',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_CREDENTIAL_EXPIRATION',
  'AWS_WEB_IDENTITY_TOKEN_FILE',
  'AWS_ROLE_ARN',
  'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI',
  'AWS_CONTAINER_CREDENTIALS_FULL_URI',
  'AWS_CONTAINER_AUTHORIZATION_TOKEN',
];

/** The environment for a child process with no AWS configuration. */
export function noAwsEnv(base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const empty = mkdtempSync(join(tmpdir(), 'gmsa-no-aws-'));
  const env: NodeJS.ProcessEnv = { ...base };
  for (const name of CLEARED) delete env[name];
  return {
    ...env,
    HOME: empty,
    AWS_CONFIG_FILE: join(empty, 'config'),
    AWS_SHARED_CREDENTIALS_FILE: join(empty, 'credentials'),
    // No request to the instance metadata address: the chain's last link fails at once.
    AWS_EC2_METADATA_DISABLED: 'true',
  };
}

/** Runs `step` in this process with noAwsEnv(), then puts the environment back. */
export async function withNoAwsConfiguration<T>(step: () => Promise<T>): Promise<T> {
  const saved = { ...process.env };
  const target = noAwsEnv(saved);
  for (const name of Object.keys(process.env)) if (!(name in target)) delete process.env[name];
  Object.assign(process.env, target);
  try {
    return await step();
  } finally {
    for (const name of Object.keys(process.env)) if (!(name in saved)) delete process.env[name];
    Object.assign(process.env, saved);
  }
}
