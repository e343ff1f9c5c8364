// The fleet's directory in the config: the shapes a directory name may take, with errors naming the path.
import { describe, expect, it } from 'vitest';
import { loadConfigFile } from '../../lib/config/file';
import { parseConfig } from '../../lib/config/load';

const example = loadConfigFile('config/example.yml');
const fleet = example.fleets[0];
if (!fleet) throw new Error('config/example.yml has no fleet');
const withDirectory = (directory: Record<string, unknown>) =>
  parseConfig({ fleets: [{ ...fleet, directory: { ...fleet.directory, ...directory } }] });

describe('directory.name', () => {
  it('accepts a single-label domain (AWS publishes credential specs for contoso)', () => {
    expect(withDirectory({ name: 'contoso' }).fleets[0]?.directory.name).toBe('contoso');
  });

  it.each(['corp..example.com', '-corp', 'corp.', 'corp.example.1com', 'a'.repeat(64)])('refuses %s', (name) => {
    expect(() => withDirectory({ name })).toThrow('fleets[0].directory.name: must be a DNS domain name');
  });
});

describe('directory.type', () => {
  const secret = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:gmsa-ready/join-AbCdEf';
  const selfManaged = { type: 'self-managed', name: 'corp.example.com', joinCredentialSecretArn: secret };
  const parse = (directory: Record<string, unknown>) => parseConfig({ fleets: [{ ...fleet, directory }] });

  it('defaults to aws-managed, which needs the directory id', () => {
    expect(parse({ id: 'd-1234567890', name: 'corp.example.com' }).fleets[0]?.directory.type).toBe('aws-managed');
    expect(() => parse({ name: 'corp.example.com' })).toThrow('fleets[0].directory.id');
  });

  it('accepts self-managed with a Secrets Manager secret, an OU and DNS servers', () => {
    const directory = parse({ ...selfManaged, ou: 'OU=Hosts,DC=corp,DC=example,DC=com', dnsIpAddresses: ['10.0.0.10'] })
      .fleets[0]?.directory;
    expect(directory).toMatchObject({ type: 'self-managed', joinCredentialSecretArn: secret });
  });

  it.each([
    [{ ...selfManaged, joinCredentialSecretArn: undefined }, 'fleets[0].directory.joinCredentialSecretArn'],
    [
      { ...selfManaged, joinCredentialSecretArn: 'arn:aws:ssm:us-east-1:123456789012:parameter/join' },
      'must be a Secrets Manager secret ARN',
    ],
    [{ ...selfManaged, id: 'd-1234567890' }, 'fleets[0].directory'],
    [{ ...selfManaged, type: 'on-prem' }, 'fleets[0].directory.type'],
  ])('refuses %o, naming the path', (directory, expected) => {
    expect(() => parse(directory)).toThrow(expected);
  });
});
