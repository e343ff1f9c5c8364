// Thin fetchers: one SDK call each, errors turned into findings a person can act on. No rules here.
import type { IAMClient } from '@aws-sdk/client-iam';
import { SimulatePrincipalPolicyCommand } from '@aws-sdk/client-iam';
import type { S3Client } from '@aws-sdk/client-s3';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { DescribeSecretCommand } from '@aws-sdk/client-secrets-manager';
import type { SSMClient } from '@aws-sdk/client-ssm';
import { GetParameterCommand } from '@aws-sdk/client-ssm';
import { classify, describeError, errorName } from '../aws/errors';
import type { CredSpecFinding } from '../workflow/types';
import { error, ROOT, warning } from './findings';
import { CREDSPEC_MAX_BYTES, tooLarge } from './limits';

export type FetchOutcome = { text: string } | { finding: CredSpecFinding };

const NOT_FOUND = new Set(['ParameterNotFound', 'NoSuchKey', 'NoSuchBucket', 'ResourceNotFoundException']);
const DENIED = new Set(['AccessDeniedException', 'AccessDenied']);
const THROTTLED = new Set([
  'ThrottlingException',
  'Throttling',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'SlowDown',
]);

const isThrottle = (e: unknown): boolean =>
  THROTTLED.has(errorName(e)) ||
  (typeof e === 'object' &&
    e !== null &&
    (e as { $retryable?: { throttling?: boolean } }).$retryable?.throttling === true);

/** The failure kinds every fetch shares; `notFoundCode` lets the secret check say which thing is missing. */
function fetchFailure(e: unknown, what: string, permission: string, notFoundCode = 'not-found'): CredSpecFinding {
  const cause = describeError(e);
  if (NOT_FOUND.has(errorName(e))) {
    return error(notFoundCode, ROOT, `${what} does not exist (${cause}): tasks that reference it fail to start.`);
  }
  if (DENIED.has(errorName(e))) {
    return error(
      'access-denied',
      ROOT,
      `Reading ${what} was denied (${cause}): allow ${permission} to whoever runs this check, else it cannot be verified.`,
    );
  }
  if (isThrottle(e)) {
    return error('throttled', ROOT, `Reading ${what} was throttled (${cause}): check again later.`);
  }
  if (classify(e) === 'retryable') {
    return error('unavailable', ROOT, `Reading ${what} failed for now (${cause}): check again later.`);
  }
  return error('fetch-failed', ROOT, `Reading ${what} failed (${cause}).`);
}

export async function fetchParameter(ssm: SSMClient, arn: string): Promise<FetchOutcome> {
  try {
    const out = await ssm.send(new GetParameterCommand({ Name: arn, WithDecryption: true }));
    return { text: out.Parameter?.Value ?? '' };
  } catch (e) {
    return {
      finding: fetchFailure(e, `The SSM parameter ${arn}`, 'ssm:GetParameter (and kms:Decrypt for SecureString)'),
    };
  }
}

/** An object over CREDSPEC_MAX_BYTES is refused by its Content-Length, its body left unread (rules.ts says why). */
export async function fetchObject(s3: S3Client, bucket: string, key: string): Promise<FetchOutcome> {
  try {
    const out = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    if ((out.ContentLength ?? 0) > CREDSPEC_MAX_BYTES) {
      (out.Body as { destroy?: () => void } | undefined)?.destroy?.();
      return { finding: tooLarge(out.ContentLength ?? 0) };
    }
    return { text: (await out.Body?.transformToString('utf-8')) ?? '' };
  } catch (e) {
    return { finding: fetchFailure(e, `The S3 object s3://${bucket}/${key}`, 's3:GetObject') };
  }
}

const PLUGIN_INPUT = '$.ActiveDirectoryConfig.HostAccountConfig.PluginInput';

/** Proves the domainless user's secret exists without reading it: DescribeSecret, never GetSecretValue. */
export async function checkSecretExists(secrets: SecretsManagerClient, arn: string): Promise<CredSpecFinding[]> {
  try {
    const out = await secrets.send(new DescribeSecretCommand({ SecretId: arn }));
    if (out.DeletedDate === undefined) return [];
    return [
      error(
        'secret-not-found',
        PLUGIN_INPUT,
        `The secret ${arn} is scheduled for deletion: the host cannot read the domainless user's credentials and tasks fail with "Cannot get gMSA krb ticket".`,
      ),
    ];
  } catch (e) {
    const finding = fetchFailure(e, `The secret ${arn}`, 'secretsmanager:DescribeSecret', 'secret-not-found');
    return [{ ...finding, path: PLUGIN_INPUT }];
  }
}

/** The task execution role reads the spec, not gmsa-ready: ask IAM whether it may. */
export async function simulateTaskRoleRead(
  iam: IAMClient,
  roleArn: string,
  source: { kind: 'ssm' | 's3'; arn: string },
): Promise<CredSpecFinding[]> {
  const action = source.kind === 'ssm' ? 'ssm:GetParameters' : 's3:GetObject';
  try {
    const out = await iam.send(
      new SimulatePrincipalPolicyCommand({
        PolicySourceArn: roleArn,
        ActionNames: [action],
        ResourceArns: [source.arn],
      }),
    );
    const decision = out.EvaluationResults?.[0]?.EvalDecision ?? 'no decision';
    if (decision === 'allowed') return [];
    return [
      error(
        'task-role-denied',
        ROOT,
        `The task execution role ${roleArn} may not ${action} ${source.arn} (${decision}): ECS cannot fetch the spec and tasks fail to start.`,
      ),
    ];
  } catch (e) {
    return [
      warning(
        'task-role-unchecked',
        ROOT,
        `Could not ask IAM whether ${roleArn} may ${action} the spec (${describeError(e)}); allow iam:SimulatePrincipalPolicy to check it.`,
      ),
    ];
  }
}
