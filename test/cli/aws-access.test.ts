// AWS access failures say what to do in one line, exit 1, no stack trace: no Region, no credentials (the real
// binary on a machine with no AWS configuration: nothing is sent), and, with the SDK mocked, expired or
// rejected credentials, access denied, a stage that is not deployed, no network.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { ResourceNotFoundException } from '@aws-sdk/client-dynamodb';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { explainAwsAccess } from '../../lib/cli/aws-access';
import { noAwsEnv } from '../docs/no-aws';
import { runCli } from './run-cli';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const LAUNCH = 'events/lifecycle-launch-windows.json';

function spawnCli(
  argv: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['bin/gmsa-ready.js', ...argv],
      { cwd: ROOT, env, timeout: 280_000 },
      (error, stdout, stderr) =>
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : null) : 0, stdout, stderr }),
    );
  });
}

const cli = runCli;

/** One line on stderr, nothing on stdout, exit 1, and no stack frame. */
function expectOneLine(run: { code: number | null; stdout: string; stderr: string }, pattern: RegExp) {
  expect(run.code, run.stderr).toBe(1);
  expect(run.stdout).toBe('');
  expect(run.stderr).toMatch(pattern);
  expect(run.stderr.endsWith('\n')).toBe(true);
  expect(run.stderr.trimEnd().split('\n')).toHaveLength(1);
  expect(run.stderr).not.toMatch(/\n\s+at /);
}

describe.concurrent('the gmsa-ready binary on a machine with no AWS configuration', () => {
  it('status --stage prod names the missing Region and how to give one', async () => {
    expectOneLine(
      await spawnCli(['status', '--stage', 'prod'], noAwsEnv()),
      /^status: no AWS Region: set AWS_REGION \(e\.g\. AWS_REGION=eu-west-1\), pass --region, or set `region` in your AWS_PROFILE\n$/,
    );
  });

  it('with a Region, names the missing credentials and AWS_PROFILE', async () => {
    expectOneLine(
      await spawnCli(['replay', '--stage', 'prod', '--region', 'eu-west-1', LAUNCH], noAwsEnv()),
      /^replay: no AWS credentials: set AWS_PROFILE to a profile in ~\/\.aws\/config .*AWS_ACCESS_KEY_ID/,
    );
  });

  it('with a profile that does not exist, names the profile', async () => {
    expectOneLine(
      await spawnCli(['status', '--stage', 'prod'], { ...noAwsEnv(), AWS_PROFILE: 'ops', AWS_REGION: 'eu-west-1' }),
      /^status: no AWS credentials from AWS_PROFILE 'ops': check that ~\/\.aws\/config .*aws sso login --profile ops/,
    );
  });

  it('check-credspec with an ARN says it once, not as a finding per spec', async () => {
    expectOneLine(
      await spawnCli(['check-credspec', 'arn:aws:s3:::specs/orders.json', 'arn:aws:s3:::specs/pay.json'], noAwsEnv()),
      /^check-credspec: no AWS Region: /,
    );
  });
});

const aws = (name: string, message: string, status: number, extra: Record<string, unknown> = {}) =>
  Object.assign(new Error(message), { name, $fault: 'client', $metadata: { httpStatusCode: status }, ...extra });

describe('status --stage with the SDK answering', () => {
  const ddb = mockClient(DynamoDBDocumentClient);
  afterEach(() => ddb.reset());

  it.each([
    [
      'expired credentials',
      aws('ExpiredTokenException', 'The security token included in the request is expired', 400),
      /^status: your AWS credentials have expired: refresh them \(`aws sso login` for an SSO profile, or new session keys\)/,
    ],
    [
      'rejected credentials',
      aws('UnrecognizedClientException', 'The security token included in the request is invalid.', 400),
      /^status: AWS did not accept your credentials: check AWS_PROFILE or the keys in AWS_ACCESS_KEY_ID/,
    ],
    [
      'access denied',
      aws(
        'AccessDeniedException',
        'User: arn:aws:sts::123456789012:assumed-role/ops/me is not authorized to perform: dynamodb:Query on resource: arn:aws:dynamodb:us-east-1:123456789012:table/gmsa-ready-prod-hosts/index/byStatus',
        400,
      ),
      /^status: access denied: allow dynamodb:Query \(on the table and its byStatus index\) on table gmsa-ready-prod-hosts to arn:aws:sts::123456789012:assumed-role\/ops\/me /,
    ],
    [
      'a stage that is not deployed',
      new ResourceNotFoundException({ message: 'Requested resource not found', $metadata: {} }),
      /^status: table gmsa-ready-prod-hosts not found in us-east-1: is stage 'prod' deployed in this Region\? \(AWS_REGION or --region chooses the Region\)\n$/,
    ],
    [
      'no network',
      Object.assign(new Error('getaddrinfo ENOTFOUND dynamodb.us-east-1.amazonaws.com'), { code: 'ENOTFOUND' }),
      /^status: cannot reach AWS in us-east-1 \(ENOTFOUND\): check the network or proxy/,
    ],
  ])('%s: one line, exit 1', async (_, error, pattern) => {
    ddb.on(QueryCommand).rejects(error);
    expectOneLine(await cli(['status', '--stage', 'prod']), pattern);
  });

  it('--instance needs dynamodb:GetItem, and says so', async () => {
    ddb.on(GetCommand).rejects(aws('AccessDeniedException', 'not authorized', 400));
    expectOneLine(
      await cli(['status', '--stage', 'prod', '--instance', 'i-0123456789abcdef0']),
      /^status: access denied: allow dynamodb:GetItem on table gmsa-ready-prod-hosts to your identity /,
    );
  });

  it('--region is the Region the table is looked for in', async () => {
    ddb
      .on(QueryCommand)
      .rejects(new ResourceNotFoundException({ message: 'Requested resource not found', $metadata: {} }));
    expectOneLine(await cli(['status', '--stage', 'prod', '--region', 'eu-west-1']), /not found in eu-west-1: /);
  });

  it('refuses a --region that is not a Region name, or without --stage', async () => {
    expect((await cli(['status', '--stage', 'prod', '--region', 'eu-west-1.evil.example'])).code).toBe(2);
    expect((await cli(['status', '--region', 'eu-west-1'])).stderr).toMatch(/--region applies to --stage only/);
  });
});

describe('replay --stage with the SDK answering', () => {
  const lambda = mockClient(LambdaClient);
  afterEach(() => lambda.reset());

  it('access denied names lambda:InvokeFunction and the function, and stops at the first event', async () => {
    lambda
      .on(InvokeCommand)
      .rejects(aws('AccessDeniedException', 'not authorized to perform: lambda:InvokeFunction', 403));
    expectOneLine(
      await cli(['replay', '--stage', 'prod', LAUNCH, LAUNCH]),
      /^replay: access denied: allow lambda:InvokeFunction on function gmsa-ready-prod-lifecycle to your identity /,
    );
    expect(lambda.commandCalls(InvokeCommand)).toHaveLength(1);
  });

  it('a function that does not exist: is the stage deployed in this Region?', async () => {
    lambda.on(InvokeCommand).rejects(aws('ResourceNotFoundException', 'Function not found: arn:aws:lambda:…', 404));
    expectOneLine(
      await cli(['replay', '--stage', 'prod', LAUNCH]),
      /^replay: function gmsa-ready-prod-lifecycle not found in us-east-1: is stage 'prod' deployed in this Region\?/,
    );
  });
});

describe('explainAwsAccess', () => {
  const access = { action: 'dynamodb:Query', resource: 'table t', whenMissing: 'deployed?' };

  it('an expired SSO session (a provider error saying so) is expired, not missing', () => {
    const sso = Object.assign(new Error('The SSO session associated with this profile has expired'), {
      name: 'TokenProviderError',
    });
    expect(explainAwsAccess(sso, access)).toMatch(/^your AWS credentials have expired/);
  });

  it('leaves errors that are not about access to the caller', () => {
    expect(explainAwsAccess(aws('ValidationException', 'bad key', 400), access)).toBeUndefined();
    expect(explainAwsAccess(new TypeError('x is undefined'), access)).toBeUndefined();
  });
});
