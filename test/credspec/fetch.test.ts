import { IAMClient, IAMServiceException, SimulatePrincipalPolicyCommand } from '@aws-sdk/client-iam';
import { GetObjectCommand, NoSuchKey, S3Client } from '@aws-sdk/client-s3';
import {
  DescribeSecretCommand,
  ResourceNotFoundException,
  SecretsManagerClient,
  SecretsManagerServiceException,
} from '@aws-sdk/client-secrets-manager';
import { GetParameterCommand, ParameterNotFound, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { beforeEach, describe, expect, it } from 'vitest';
import { checkSecretExists, fetchObject, fetchParameter, simulateTaskRoleRead } from '../../lib/credspec/fetch';
import { body, s3Error, ssmError } from './aws-errors';

const ssmMock = mockClient(SSMClient);
const s3Mock = mockClient(S3Client);
const secretsMock = mockClient(SecretsManagerClient);
const iamMock = mockClient(IAMClient);
const ssm = new SSMClient({});
const s3 = new S3Client({});
const secrets = new SecretsManagerClient({});
const iam = new IAMClient({});

const PARAM = 'arn:aws:ssm:us-east-1:123456789012:parameter/gmsa/orders-api';
const SECRET = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:gmsa-user-AbCdEf';
const ROLE = 'arn:aws:iam::123456789012:role/ecsTaskExecutionRole';
const PLUGIN_INPUT = '$.ActiveDirectoryConfig.HostAccountConfig.PluginInput';

beforeEach(() => {
  ssmMock.reset();
  s3Mock.reset();
  secretsMock.reset();
  iamMock.reset();
});

describe('fetchParameter', () => {
  it('reads the value by ARN, decrypted', async () => {
    ssmMock.on(GetParameterCommand).resolves({ Parameter: { Value: '{"CmsPlugins":[]}' } });
    await expect(fetchParameter(ssm, PARAM)).resolves.toEqual({ text: '{"CmsPlugins":[]}' });
    expect(ssmMock).toHaveReceivedCommandExactlyOnceWith(GetParameterCommand, { Name: PARAM, WithDecryption: true });
  });

  it.each([
    ['ParameterNotFound', new ParameterNotFound({ $metadata: {}, message: 'not found' }), 'not-found'],
    ['AccessDeniedException', ssmError('AccessDeniedException', 400), 'access-denied'],
    ['ThrottlingException', ssmError('ThrottlingException', 400), 'throttled'],
    // A server fault is "not now", not "broken": the launch's verify step waits on it.
    ['InternalServerError', ssmError('InternalServerError', 500), 'unavailable'],
    ['ValidationException', ssmError('ValidationException', 400), 'fetch-failed'],
  ])('reports %s as %s', async (_name, thrown, code) => {
    ssmMock.on(GetParameterCommand).rejects(thrown);
    const outcome = await fetchParameter(ssm, PARAM);
    expect(outcome).toEqual({
      finding: { severity: 'error', code, path: '$', message: expect.stringContaining(PARAM) },
    });
  });
});

describe('fetchObject', () => {
  it('reads the object body as text', async () => {
    s3Mock.on(GetObjectCommand).resolves({ Body: body('{"a":1}') });
    await expect(fetchObject(s3, 'corp-gmsa', 'specs/web.json')).resolves.toEqual({ text: '{"a":1}' });
    expect(s3Mock).toHaveReceivedCommandExactlyOnceWith(GetObjectCommand, {
      Bucket: 'corp-gmsa',
      Key: 'specs/web.json',
    });
  });

  it.each([
    ['NoSuchKey', new NoSuchKey({ $metadata: {}, message: 'The specified key does not exist.' }), 'not-found'],
    ['NoSuchBucket', s3Error('NoSuchBucket', 404), 'not-found'],
    ['AccessDenied', s3Error('AccessDenied', 403), 'access-denied'],
    ['SlowDown', s3Error('SlowDown', 503), 'throttled'],
  ])('reports %s as %s', async (_name, thrown, code) => {
    s3Mock.on(GetObjectCommand).rejects(thrown);
    const outcome = await fetchObject(s3, 'corp-gmsa', 'specs/web.json');
    expect(outcome).toEqual({
      finding: {
        severity: 'error',
        code,
        path: '$',
        message: expect.stringContaining('s3://corp-gmsa/specs/web.json'),
      },
    });
  });
});

describe('checkSecretExists', () => {
  it('describes the secret and never reads its value', async () => {
    secretsMock.on(DescribeSecretCommand).resolves({ ARN: SECRET, Name: 'gmsa-user' });
    await expect(checkSecretExists(secrets, SECRET)).resolves.toEqual([]);
    expect(secretsMock).toHaveReceivedCommandExactlyOnceWith(DescribeSecretCommand, { SecretId: SECRET });
    expect(secretsMock.calls()).toHaveLength(1);
  });

  it('reports a missing secret as secret-not-found at PluginInput', async () => {
    secretsMock.on(DescribeSecretCommand).rejects(new ResourceNotFoundException({ $metadata: {}, message: 'gone' }));
    await expect(checkSecretExists(secrets, SECRET)).resolves.toEqual([
      { severity: 'error', code: 'secret-not-found', path: PLUGIN_INPUT, message: expect.stringContaining(SECRET) },
    ]);
  });

  it('reports a secret scheduled for deletion as secret-not-found', async () => {
    secretsMock.on(DescribeSecretCommand).resolves({ ARN: SECRET, DeletedDate: new Date('2026-01-01T00:00:00Z') });
    const [finding] = await checkSecretExists(secrets, SECRET);
    expect(finding).toMatchObject({
      code: 'secret-not-found',
      message: expect.stringContaining('scheduled for deletion'),
    });
  });

  it('reports a denied DescribeSecret as access-denied', async () => {
    secretsMock.on(DescribeSecretCommand).rejects(
      new SecretsManagerServiceException({
        name: 'AccessDeniedException',
        $fault: 'client',
        $metadata: {},
        message: 'no',
      }),
    );
    const [finding] = await checkSecretExists(secrets, SECRET);
    expect(finding).toMatchObject({
      code: 'access-denied',
      path: PLUGIN_INPUT,
      message: expect.stringContaining('secretsmanager:DescribeSecret'),
    });
  });
});

describe('simulateTaskRoleRead', () => {
  it('asks whether the role may ssm:GetParameters the parameter', async () => {
    iamMock
      .on(SimulatePrincipalPolicyCommand)
      .resolves({ EvaluationResults: [{ EvalActionName: 'ssm:GetParameters', EvalDecision: 'allowed' }] });
    await expect(simulateTaskRoleRead(iam, ROLE, { kind: 'ssm', arn: PARAM })).resolves.toEqual([]);
    expect(iamMock).toHaveReceivedCommandExactlyOnceWith(SimulatePrincipalPolicyCommand, {
      PolicySourceArn: ROLE,
      ActionNames: ['ssm:GetParameters'],
      ResourceArns: [PARAM],
    });
  });

  it('asks about s3:GetObject for an object and reports a deny as task-role-denied', async () => {
    const object = 'arn:aws:s3:::corp-gmsa/specs/web.json';
    iamMock
      .on(SimulatePrincipalPolicyCommand)
      .resolves({ EvaluationResults: [{ EvalActionName: 's3:GetObject', EvalDecision: 'implicitDeny' }] });
    await expect(simulateTaskRoleRead(iam, ROLE, { kind: 's3', arn: object })).resolves.toEqual([
      { severity: 'error', code: 'task-role-denied', path: '$', message: expect.stringContaining('implicitDeny') },
    ]);
    expect(iamMock).toHaveReceivedCommandWith(SimulatePrincipalPolicyCommand, {
      ActionNames: ['s3:GetObject'],
      ResourceArns: [object],
    });
  });

  it('warns, without failing the spec, when IAM cannot be asked', async () => {
    iamMock
      .on(SimulatePrincipalPolicyCommand)
      .rejects(new IAMServiceException({ name: 'AccessDenied', $fault: 'client', $metadata: {}, message: 'no' }));
    await expect(simulateTaskRoleRead(iam, ROLE, { kind: 'ssm', arn: PARAM })).resolves.toEqual([
      {
        severity: 'warning',
        code: 'task-role-unchecked',
        path: '$',
        message: expect.stringContaining('iam:SimulatePrincipalPolicy'),
      },
    ]);
  });
});
