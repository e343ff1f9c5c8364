// A CLI command's AWS access failure as one line that names what is missing and how to supply it (a Region,
// credentials, fresh credentials, an IAM action, a deployed resource). runCommand prints it and exits 1.
// Error names and messages are the SDK's and the services' own (cited per kind below); anything else
// falls through to the caller unchanged.
import { errorName } from '../aws/errors';
import { oneLineReason } from './io';

/** What the command was doing when AWS refused: for the line it prints. */
export interface AwsAccess {
  /** The IAM action the call needs, e.g. `dynamodb:Query`. */
  action: string;
  /** What it was reading or calling, e.g. `table gmsa-ready-prod-hosts`. */
  resource: string;
  /** Said when the resource does not exist, e.g. "is stage 'prod' deployed in this Region?". */
  whenMissing: string;
}

/** An access failure already explained; runCommand prints `COMMAND: message` and exits 1. */
export class AwsAccessError extends Error {
  override name = 'AwsAccessError';
}

export const EXIT_AWS = 1;

// Thrown by @smithy/core's region provider when neither AWS_REGION nor the profile's `region` is set.
const REGION_MISSING = 'Region is missing';
// @smithy/core's provider errors: the default credential chain found nothing, or a profile could not be used.
const NO_CREDENTIALS = new Set(['CredentialsProviderError', 'TokenProviderError']);
// STS-signed services answer an expired session with ExpiredTokenException (DynamoDB, Lambda), S3 with
// ExpiredToken; RequestExpired is a request signed too long ago (a clock skew, not the keys).
const EXPIRED = new Set(['ExpiredTokenException', 'ExpiredToken', 'TokenRefreshRequired']);
// The keys were not accepted at all: a deleted key, a typo, a session token missing.
const REJECTED = new Set([
  'UnrecognizedClientException',
  'InvalidClientTokenId',
  'InvalidSignatureException',
  'SignatureDoesNotMatch',
  'InvalidAccessKeyId',
]);
const DENIED = new Set(['AccessDenied', 'AccessDeniedException', 'UnauthorizedOperation', 'Forbidden']);
const NOT_FOUND = new Set(['ResourceNotFoundException', 'NoSuchBucket', 'NoSuchKey', 'ParameterNotFound']);
const NETWORK = new Set(['ENOTFOUND', 'EAI_AGAIN', 'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH']);

const PROFILE_HINT = 'set AWS_PROFILE to a profile in ~/.aws/config (after `aws sso login` for an SSO profile)';

/** One line for a missing Region or missing, expired or rejected credentials, or undefined. */
export function explainSetup(error: unknown): string | undefined {
  const name = errorName(error);
  const message = error instanceof Error ? error.message : String(error);
  const sdk = `(${name}: ${oneLineReason(error)})`.slice(0, 300);
  if (message === REGION_MISSING)
    return 'no AWS Region: set AWS_REGION (e.g. AWS_REGION=eu-west-1), pass --region, or set `region` in your AWS_PROFILE';
  if (EXPIRED.has(name) || (NO_CREDENTIALS.has(name) && /expired/i.test(message)))
    return `your AWS credentials have expired: refresh them (\`aws sso login\` for an SSO profile, or new session keys) and run again ${sdk}`;
  const profile = process.env.AWS_PROFILE;
  if (NO_CREDENTIALS.has(name) && profile)
    return `no AWS credentials from AWS_PROFILE '${profile}': check that ~/.aws/config (or AWS_CONFIG_FILE) has that profile; for SSO run \`aws sso login --profile ${profile}\` ${sdk}`;
  if (NO_CREDENTIALS.has(name))
    return `no AWS credentials: ${PROFILE_HINT}, or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY ${sdk}`;
  if (REJECTED.has(name))
    return `AWS did not accept your credentials: check AWS_PROFILE or the keys in AWS_ACCESS_KEY_ID (and AWS_SESSION_TOKEN) ${sdk}`;
  return undefined;
}

/** One line for an AWS access failure, or undefined when the error is something else. */
export function explainAwsAccess(error: unknown, access: AwsAccess, region?: string): string | undefined {
  const setup = explainSetup(error);
  if (setup !== undefined) return setup;
  const message = error instanceof Error ? error.message : String(error);
  const sdk = `(${errorName(error)}: ${oneLineReason(error)})`.slice(0, 300);
  const name = errorName(error);
  if (DENIED.has(name) || statusOf(error) === 403)
    return `access denied: allow ${access.action} on ${access.resource} to ${principalIn(message) ?? 'your identity'} ${sdk}`;
  if (NOT_FOUND.has(name) || statusOf(error) === 404)
    return `${access.resource} not found${region ? ` in ${region}` : ''}: ${access.whenMissing} (AWS_REGION or --region chooses the Region)`;
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && NETWORK.has(code))
    return `cannot reach AWS${region ? ` in ${region}` : ''} (${code}): check the network or proxy, and the Region in AWS_REGION or --region`;
  return undefined;
}

/**
 * Resolves a client's Region and credentials without sending a request; what is missing becomes an
 * AwsAccessError. For commands whose later failures are reported per item (check-credspec's findings).
 */
export async function ensureAwsConfigured(client: {
  config: { region: () => Promise<string>; credentials?: unknown };
}): Promise<void> {
  try {
    await client.config.region();
    const credentials = client.config.credentials;
    if (typeof credentials === 'function') await credentials();
  } catch (error) {
    const line = explainSetup(error);
    if (line === undefined) throw error;
    throw new AwsAccessError(line, { cause: error });
  }
}

/** Runs `call`; an AWS access failure becomes an AwsAccessError carrying its one line. */
export async function withAwsAccess<T>(access: AwsAccess, region: () => Promise<string>, call: () => Promise<T>) {
  try {
    return await call();
  } catch (error) {
    const line = explainAwsAccess(error, access, await region().catch(() => undefined));
    if (line === undefined) throw error;
    throw new AwsAccessError(line, { cause: error });
  }
}

/** The Region a client will use, for the line (rejects when there is none). */
export const regionOf =
  (client: { config: { region: () => Promise<string> } }): (() => Promise<string>) =>
  () =>
    client.config.region();

/** `--region`: a Region name such as eu-west-1 or us-gov-west-1 (it becomes part of an endpoint's host). */
export const REGION = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;

function statusOf(error: unknown): number | undefined {
  return (error as { $metadata?: { httpStatusCode?: number } } | null)?.$metadata?.httpStatusCode;
}

/** `User: arn:aws:sts::123456789012:assumed-role/ops/me is not authorized to perform: ...` (IAM's wording). */
function principalIn(message: string): string | undefined {
  return /User: (arn:[^\s]+) is not authorized/.exec(message)?.[1];
}
