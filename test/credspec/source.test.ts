import { describe, expect, it } from 'vitest';
import { parseSource } from '../../lib/credspec';

const PARAM = 'arn:aws:ssm:us-east-1:123456789012:parameter/gmsa/orders-api';
const OBJECT = 'arn:aws:s3:::corp-gmsa-credspecs/specs/payments-api.json';

describe('parseSource', () => {
  it('reads an SSM parameter ARN with its Region', () => {
    expect(parseSource(PARAM)).toEqual({ kind: 'ssm', raw: PARAM, prefix: undefined, arn: PARAM, region: 'us-east-1' });
  });

  it('splits an S3 object ARN into bucket and key', () => {
    expect(parseSource(OBJECT)).toEqual({
      kind: 's3',
      raw: OBJECT,
      prefix: undefined,
      arn: OBJECT,
      bucket: 'corp-gmsa-credspecs',
      key: 'specs/payments-api.json',
    });
  });

  it.each([
    ['credentialspec', PARAM, 'ssm'],
    ['credentialspecdomainless', PARAM, 'ssm'],
    ['credentialspec', OBJECT, 's3'],
    ['credentialspecdomainless', OBJECT, 's3'],
  ] as const)('understands the task definition form %s:ARN (%s)', (prefix, arn, kind) => {
    expect(parseSource(`${prefix}:${arn}`)).toMatchObject({ kind, prefix, arn, raw: `${prefix}:${arn}` });
  });

  it('knows credentialspec:file:// is a file on the container host', () => {
    expect(parseSource('credentialspec:file://webapp01.json')).toEqual({
      kind: 'host-file',
      raw: 'credentialspec:file://webapp01.json',
      prefix: 'credentialspec',
      path: 'webapp01.json',
    });
  });

  it('takes anything else without a prefix as a local path', () => {
    expect(parseSource('./specs/webapp01.json')).toEqual({
      kind: 'local-file',
      raw: './specs/webapp01.json',
      path: './specs/webapp01.json',
    });
    expect(parseSource('file:///tmp/webapp01.json')).toMatchObject({ kind: 'local-file', path: '/tmp/webapp01.json' });
  });

  it.each([
    'arn:aws:secretsmanager:us-east-1:123456789012:secret:gmsa',
    'arn:aws:ssm:us-east-1:123456789012:document/x',
    'credentialspec:/specs/webapp01.json',
    'credentialspecdomainless:',
    '',
  ])('rejects %j with a reason', (raw) => {
    expect(parseSource(raw)).toMatchObject({ kind: 'invalid', reason: expect.stringMatching(/\w+/) });
  });
});
