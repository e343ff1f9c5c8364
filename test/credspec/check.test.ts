import {
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  ECSClient,
  ListServicesCommand,
} from '@aws-sdk/client-ecs';
import { IAMClient, SimulatePrincipalPolicyCommand } from '@aws-sdk/client-iam';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import {
  DescribeSecretCommand,
  ResourceNotFoundException,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { GetParameterCommand, ParameterNotFound, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { beforeEach, describe, expect, it } from 'vitest';
import { type CheckOptions, checkCredentialSpecs, credSpecCheckerFor, type InspectEffect } from '../../lib/credspec';
import { body, ssmError } from './aws-errors';
import { fixtureDoc, fixtureText } from './fixtures';

const ssmMock = mockClient(SSMClient);
const s3Mock = mockClient(S3Client);
const secretsMock = mockClient(SecretsManagerClient);
const iamMock = mockClient(IAMClient);
const ecsMock = mockClient(ECSClient);
const clients = { ssm: new SSMClient({}), s3: new S3Client({}), secrets: new SecretsManagerClient({}) };
const ecs = new ECSClient({});

const PARAM = 'arn:aws:ssm:us-east-1:123456789012:parameter/gmsa/webapp01';
const OBJECT = 'arn:aws:s3:::corp-gmsa/specs/webapp01.json';
const LINUX_SECRET = 'arn:aws:secretsmanager:us-west-2:123456789012:secret:gMSAUserSecret-PwmPaO';
const ROLE = 'arn:aws:iam::123456789012:role/ecsTaskExecutionRole';

const windowsJoined: CheckOptions = { domain: 'contoso.com', platform: 'windows', mode: 'domain-joined' };
const linuxDomainless: CheckOptions = { domain: 'example.com', platform: 'linux', mode: 'domainless' };

beforeEach(() => {
  for (const mock of [ssmMock, s3Mock, secretsMock, iamMock, ecsMock]) mock.reset();
});

const STACK = { region: 'us-east-1', accountId: '123456789012' };

describe('checkCredentialSpecs', () => {
  it('passes a good spec in Parameter Store', async () => {
    ssmMock.on(GetParameterCommand).resolves({ Parameter: { Value: fixtureText('microsoft-contoso') } });
    await expect(checkCredentialSpecs([PARAM], windowsJoined, clients)).resolves.toEqual([
      { source: PARAM, valid: true, findings: [] },
    ]);
    expect(ssmMock).toHaveReceivedCommandExactlyOnceWith(GetParameterCommand, { Name: PARAM, WithDecryption: true });
  });

  it('fails a spec for another domain, naming the field', async () => {
    ssmMock.on(GetParameterCommand).resolves({ Parameter: { Value: fixtureText('microsoft-contoso') } });
    const [check] = await checkCredentialSpecs([PARAM], { ...windowsJoined, domain: 'corp.example.com' }, clients);
    expect(check).toMatchObject({
      valid: false,
      findings: [{ code: 'domain-mismatch', path: '$.DomainJoinConfig.DnsName' }],
    });
  });

  it('fails a missing parameter without validating anything', async () => {
    ssmMock.on(GetParameterCommand).rejects(new ParameterNotFound({ $metadata: {}, message: 'nope' }));
    const [check] = await checkCredentialSpecs([PARAM], windowsJoined, clients);
    expect(check).toMatchObject({ source: PARAM, valid: false, findings: [{ code: 'not-found' }] });
    expect(check?.findings).toHaveLength(1);
  });

  it('reports throttling distinctly, so the caller can retry rather than fail the host', async () => {
    ssmMock.on(GetParameterCommand).rejects(ssmError('ThrottlingException', 400));
    const [check] = await checkCredentialSpecs([PARAM], windowsJoined, clients);
    expect(check?.findings.map((f) => f.code)).toEqual(['throttled']);
  });

  it('checks that the secret of a domainless Linux spec in S3 exists', async () => {
    s3Mock.on(GetObjectCommand).resolves({ Body: body(fixtureText('aws-linux-domainless')) });
    secretsMock.on(DescribeSecretCommand).rejects(new ResourceNotFoundException({ $metadata: {}, message: 'gone' }));
    const [check] = await checkCredentialSpecs([OBJECT], linuxDomainless, clients);
    expect(s3Mock).toHaveReceivedCommandExactlyOnceWith(GetObjectCommand, {
      Bucket: 'corp-gmsa',
      Key: 'specs/webapp01.json',
    });
    expect(secretsMock).toHaveReceivedCommandExactlyOnceWith(DescribeSecretCommand, { SecretId: LINUX_SECRET });
    expect(check).toMatchObject({
      valid: false,
      findings: [{ code: 'secret-not-found', path: '$.ActiveDirectoryConfig.HostAccountConfig.PluginInput' }],
    });
  });

  it('requires HostAccountConfig of a plain ARN on a domainless fleet', async () => {
    s3Mock.on(GetObjectCommand).resolves({ Body: body(fixtureText('microsoft-contoso')) });
    const [check] = await checkCredentialSpecs([OBJECT], { ...linuxDomainless, domain: 'contoso.com' }, clients);
    expect(check?.findings.map((f) => f.code)).toEqual(['host-account-missing']);
    expect(secretsMock).not.toHaveReceivedCommand(DescribeSecretCommand);
  });

  it('fails an S3 spec credentials-fetcher would reject for its size', async () => {
    const doc = fixtureDoc('aws-linux-domainless');
    doc.Description = 'x'.repeat(4000);
    s3Mock.on(GetObjectCommand).resolves({ Body: body(JSON.stringify(doc)) });
    secretsMock.on(DescribeSecretCommand).resolves({ ARN: LINUX_SECRET });
    const [check] = await checkCredentialSpecs([OBJECT], linuxDomainless, clients);
    expect(check).toMatchObject({ valid: false, findings: [{ code: 'too-large', severity: 'error' }] });
  });

  it('asks IAM about the task execution role when the fleet names one', async () => {
    ssmMock.on(GetParameterCommand).resolves({ Parameter: { Value: fixtureText('microsoft-contoso') } });
    iamMock
      .on(SimulatePrincipalPolicyCommand)
      .resolves({ EvaluationResults: [{ EvalActionName: 'ssm:GetParameters', EvalDecision: 'explicitDeny' }] });
    const iam = new IAMClient({});
    const [check] = await checkCredentialSpecs(
      [PARAM],
      { ...windowsJoined, taskExecutionRoleArn: ROLE },
      { ...clients, iam },
    );
    expect(iamMock).toHaveReceivedCommandExactlyOnceWith(SimulatePrincipalPolicyCommand, {
      PolicySourceArn: ROLE,
      ActionNames: ['ssm:GetParameters'],
      ResourceArns: [PARAM],
    });
    expect(check).toMatchObject({ valid: false, findings: [{ code: 'task-role-denied' }] });
  });

  it('reports sources it cannot read instead of guessing', async () => {
    const checks = await checkCredentialSpecs(
      ['credentialspec:file://webapp01.json', 'arn:aws:ssm:us-east-1:123456789012:document/x', './webapp01.json'],
      windowsJoined,
      clients,
    );
    expect(checks.map((c) => [c.valid, c.findings.map((f) => `${f.severity}:${f.code}`)])).toEqual([
      [true, ['warning:not-checkable']],
      [false, ['error:invalid-source']],
      [false, ['error:invalid-source']],
    ]);
    expect(ssmMock.calls()).toHaveLength(0);
  });

  it('adds the specs the cluster services use, each checked once', async () => {
    ecsMock.on(ListServicesCommand).resolves({ serviceArns: ['arn:aws:ecs:us-east-1:123456789012:service/linux/web'] });
    ecsMock.on(DescribeServicesCommand).resolves({ services: [{ taskDefinition: 'web:1' }] });
    ecsMock.on(DescribeTaskDefinitionCommand).resolves({
      taskDefinition: {
        containerDefinitions: [
          {
            name: 'web',
            credentialSpecs: [`credentialspec:${OBJECT}`],
            dockerSecurityOptions: ['credentialspec:file://x.json'],
          },
          { name: 'api', credentialSpecs: [`credentialspecdomainless:${OBJECT}`] },
        ],
      },
    });
    s3Mock.on(GetObjectCommand).resolves({ Body: body(fixtureText('aws-linux-domainless')) });
    secretsMock.on(DescribeSecretCommand).resolves({ ARN: LINUX_SECRET });

    const checks = await checkCredentialSpecs(
      [OBJECT],
      { ...linuxDomainless, discover: { ecs, cluster: 'linux', stack: STACK } },
      clients,
    );
    expect(checks.map((c) => [c.source, c.findings.map((f) => f.code)])).toEqual([
      [OBJECT, []],
      // A domain-joined reference can't work on the fleet's domainless hosts.
      [`credentialspec:${OBJECT}`, ['mode-mismatch']],
      ['credentialspec:file://x.json', ['wrong-platform']],
      [`credentialspecdomainless:${OBJECT}`, []],
    ]);
    expect(ecsMock).toHaveReceivedCommandWith(ListServicesCommand, { cluster: 'linux' });
  });

  it('reads a discovered spec only inside the fleet locations: outside is a warning naming the location to add', async () => {
    const inside = 'arn:aws:ssm:us-east-1:123456789012:parameter/gmsa/web';
    const outside = 'arn:aws:ssm:us-east-1:123456789012:parameter/apps/orders/spec';
    const otherBucket = 'arn:aws:s3:::team-bucket/specs/api.json';
    const otherAccount = 'arn:aws:ssm:us-east-1:999999999999:parameter/gmsa/web';
    ecsMock.on(ListServicesCommand).resolves({ serviceArns: ['arn:aws:ecs:us-east-1:123456789012:service/linux/web'] });
    ecsMock.on(DescribeServicesCommand).resolves({ services: [{ taskDefinition: 'web:1' }] });
    ecsMock.on(DescribeTaskDefinitionCommand).resolves({
      taskDefinition: {
        containerDefinitions: [
          { name: 'web', credentialSpecs: [`credentialspec:${inside}`, `credentialspec:${outside}`] },
          { name: 'api', credentialSpecs: [`credentialspec:${otherBucket}`, `credentialspec:${otherAccount}`] },
        ],
      },
    });
    ssmMock.on(GetParameterCommand).resolves({ Parameter: { Value: fixtureText('aws-linux-domainless') } });
    const locations = { ssmParameterPaths: ['/gmsa/'], s3: [{ bucket: 'corp-gmsa-credspecs', keyPrefix: '' }] };

    const checks = await checkCredentialSpecs(
      [],
      { ...windowsJoined, discover: { ecs, cluster: 'linux', locations, stack: STACK } },
      clients,
    );
    expect(checks.map((c) => [c.source, c.valid, c.findings.map((f) => `${f.severity}:${f.code}`)])).toEqual([
      [
        `credentialspec:${inside}`,
        expect.any(Boolean),
        expect.not.arrayContaining(['warning:outside-discovery-locations']),
      ],
      [`credentialspec:${outside}`, true, ['warning:outside-discovery-locations']],
      [`credentialspec:${otherBucket}`, true, ['warning:outside-discovery-locations']],
      [`credentialspec:${otherAccount}`, true, ['warning:outside-discovery-locations']],
    ]);
    const messages = checks.slice(1).map((c) => c.findings[0]?.message);
    expect(messages[0]).toContain("add ssmParameterPaths: ['/apps/orders/'] to discoveredSpecLocations");
    expect(messages[0]).toContain('Used by web:1#web');
    expect(messages[1]).toContain("add s3: { bucket: team-bucket, keyPrefix: 'specs/' }");
    expect(messages[2]).toContain('this one is in 999999999999, us-east-1');
    // Only the spec inside the locations was read.
    expect(ssmMock.commandCalls(GetParameterCommand).map((c) => c.args[0].input.Name)).toEqual([inside]);
    expect(s3Mock.calls()).toHaveLength(0);
  });

  it('lets discovery errors through for the effector to classify', async () => {
    ecsMock.on(ListServicesCommand).rejects(new Error('ClusterNotFoundException'));
    await expect(
      checkCredentialSpecs([], { ...windowsJoined, discover: { ecs, cluster: 'gone', stack: STACK } }, clients),
    ).rejects.toThrow('ClusterNotFoundException');
  });
});

describe('credSpecCheckerFor', () => {
  it('checks what an inspect effect names, with the fleet facts it carries', async () => {
    ssmMock.on(GetParameterCommand).resolves({ Parameter: { Value: fixtureText('aws-windows-domainless') } });
    secretsMock.on(DescribeSecretCommand).resolves({});
    const effect: InspectEffect = {
      type: 'inspect',
      cluster: 'windows',
      instanceId: 'i-0123456789abcdef0',
      credentialSpecs: [PARAM],
      directoryName: 'fabrikam.com',
      platform: 'windows',
      mode: 'domainless',
      discover: false,
    };
    const checks = await credSpecCheckerFor({ ...clients, ecs }, STACK)(effect);
    expect(checks).toMatchObject([{ source: PARAM, valid: false, findings: [{ code: 'domain-mismatch' }] }]);
    expect(secretsMock).toHaveReceivedCommandWith(DescribeSecretCommand, {
      SecretId: 'arn:aws:secretsmanager:us-west-2:111122223333:secret:gmsa-plugin-input',
    });
    expect(ecsMock.calls()).toHaveLength(0);
  });
});
