import { S3Client } from '@aws-sdk/client-s3';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { GetParameterCommand, ParameterNotFound, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { runCheckCredspec } from '../../lib/cli/check-credspec';
import { fixtureDoc, fixturePath, fixtureText } from './fixtures';

const ssmMock = mockClient(SSMClient);
const PARAM = 'arn:aws:ssm:eu-west-1:123456789012:parameter/gmsa/webapp01';
const GOOD = fixturePath('microsoft-contoso');

function harness(readFile?: (path: string) => Promise<string>) {
  const out: string[] = [];
  const err: string[] = [];
  const clients = vi.fn(() => ({
    ssm: new SSMClient({}),
    s3: new S3Client({}),
    secrets: new SecretsManagerClient({}),
  }));
  const io = { stdout: (s: string) => out.push(s), stderr: (s: string) => err.push(s), readFile, clients };
  return { io, clients, stdout: () => out.join(''), stderr: () => err.join('') };
}

const brokenSpec = () => {
  const doc = fixtureDoc('microsoft-contoso');
  delete doc.DomainJoinConfig.DnsName;
  return JSON.stringify(doc);
};

beforeEach(() => ssmMock.reset());

describe('check-credspec', () => {
  it('exits 0 for a valid local file, offline', async () => {
    const h = harness();
    await expect(runCheckCredspec(['--domain', 'contoso.com', '--platform', 'windows', GOOD], h.io)).resolves.toBe(0);
    expect(h.stdout()).toContain(`${GOOD}: valid\n`);
    expect(h.stdout()).toContain('1 of 1 credential spec valid');
    expect(h.clients).not.toHaveBeenCalled();
    expect(h.stderr()).toBe('');
  });

  it('accepts a single-label --domain', async () => {
    const h = harness();
    const spec = fixturePath('aws-windows-domainless-contoso');
    await expect(runCheckCredspec(['--domain', 'contoso', '--platform', 'windows', spec], h.io)).resolves.toBe(0);
    expect(h.stdout()).toContain(`${spec}: valid\n`);
  });

  it('exits 1 and prints exactly the JSON shape when a spec has an error', async () => {
    const h = harness(async () => brokenSpec());
    await expect(runCheckCredspec(['--json', 'spec.json'], h.io)).resolves.toBe(1);
    expect(JSON.parse(h.stdout())).toEqual({
      results: [
        {
          source: 'spec.json',
          valid: false,
          findings: [
            {
              severity: 'error',
              code: 'dns-name-missing',
              path: '$.DomainJoinConfig.DnsName',
              message: expect.stringContaining('Cannot get gMSA krb ticket'),
            },
          ],
        },
      ],
    });
  });

  it('lists each finding readably without --json', async () => {
    const h = harness(async () => brokenSpec());
    await runCheckCredspec(['spec.json'], h.io);
    expect(h.stdout()).toMatch(
      /^spec\.json: INVALID \(1 error\)\n {2}error {3}dns-name-missing {2}\$\.DomainJoinConfig\.DnsName\n/,
    );
    expect(h.stdout()).toContain('0 of 1 credential spec valid');
  });

  it('exits 0 when there are only warnings', async () => {
    const h = harness();
    await expect(runCheckCredspec(['--json', 'credentialspec:file://webapp01.json'], h.io)).resolves.toBe(0);
    expect(JSON.parse(h.stdout()).results[0]).toMatchObject({
      valid: true,
      findings: [{ severity: 'warning', code: 'not-checkable' }],
    });
    expect(h.clients).not.toHaveBeenCalled();
  });

  it('fetches an ARN with clients for its Region and validates it against the flags', async () => {
    ssmMock.on(GetParameterCommand).resolves({ Parameter: { Value: fixtureText('microsoft-contoso') } });
    const h = harness();
    await expect(runCheckCredspec(['--domain', 'corp.example.com', '--json', PARAM, GOOD], h.io)).resolves.toBe(1);
    expect(h.clients).toHaveBeenCalledExactlyOnceWith('eu-west-1');
    expect(ssmMock).toHaveReceivedCommandExactlyOnceWith(GetParameterCommand, { Name: PARAM, WithDecryption: true });
    const results = JSON.parse(h.stdout()).results;
    expect(
      results.map((r: { source: string; findings: { code: string }[] }) => [r.source, r.findings.map((f) => f.code)]),
    ).toEqual([
      [PARAM, ['domain-mismatch']],
      [GOOD, ['domain-mismatch']],
    ]);
  });

  it('exits 1 when an ARN does not exist', async () => {
    ssmMock.on(GetParameterCommand).rejects(new ParameterNotFound({ $metadata: {}, message: 'nope' }));
    const h = harness();
    await expect(runCheckCredspec([PARAM], h.io)).resolves.toBe(1);
    expect(h.stdout()).toContain('not-found');
  });

  it('exits 1 when a local file cannot be read', async () => {
    const h = harness();
    await expect(runCheckCredspec(['--json', '/nonexistent/gmsa/spec.json'], h.io)).resolves.toBe(1);
    expect(JSON.parse(h.stdout()).results[0].findings).toEqual([
      {
        severity: 'error',
        code: 'not-found',
        path: '$',
        message: expect.stringContaining('/nonexistent/gmsa/spec.json'),
      },
    ]);
  });

  it.each([
    [[], 'give at least one ARN or file'],
    [['--platform', 'macos', GOOD], '--platform must be windows or linux'],
    [['--domain', 'not a domain', GOOD], 'is not a DNS domain name'],
    [['--verbose', GOOD], "Unknown option '--verbose'"],
    [['--domain'], "Option '--domain <value>' argument missing"],
  ])('exits 2 for %j with a one-line reason on stderr', async (argv, reason) => {
    const h = harness();
    await expect(runCheckCredspec(argv, h.io)).resolves.toBe(2);
    expect(h.stderr()).toContain(reason);
    expect(h.stderr().trimEnd().split('\n')).toHaveLength(1);
    expect(h.stdout()).toBe('');
  });

  it('prints usage for --help', async () => {
    const h = harness();
    await expect(runCheckCredspec(['--help'], h.io)).resolves.toBe(0);
    expect(h.stdout()).toContain('usage: gmsa-ready check-credspec');
  });
});
