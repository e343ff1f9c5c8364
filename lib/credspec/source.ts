// Where a credential spec lives, as written in fleet config, a task definition or on the command line.
import { patterns } from '../config/patterns';

export type SourcePrefix = 'credentialspec' | 'credentialspecdomainless';

export type CredSpecSource =
  | { kind: 'ssm'; raw: string; prefix?: SourcePrefix; arn: string; region: string }
  | { kind: 's3'; raw: string; prefix?: SourcePrefix; arn: string; bucket: string; key: string }
  /** credentialspec:file://... : a file on the container host, which Lambda cannot see. */
  | { kind: 'host-file'; raw: string; prefix: SourcePrefix; path: string }
  /** A path on the machine running the CLI. */
  | { kind: 'local-file'; raw: string; path: string }
  | { kind: 'invalid'; raw: string; prefix?: SourcePrefix; reason: string };

const PREFIXES: readonly SourcePrefix[] = ['credentialspecdomainless', 'credentialspec'];
const FILE_URL = 'file://';

export function parseSource(raw: string): CredSpecSource {
  const prefix = PREFIXES.find((p) => raw.startsWith(`${p}:`));
  const rest = prefix ? raw.slice(prefix.length + 1) : raw;

  if (patterns.ssmParameterArn.test(rest)) {
    return { kind: 'ssm', raw, prefix, arn: rest, region: rest.split(':')[3] ?? '' };
  }
  if (patterns.s3ObjectArn.test(rest)) {
    const object = rest.slice(rest.indexOf(':::') + 3);
    const slash = object.indexOf('/');
    return { kind: 's3', raw, prefix, arn: rest, bucket: object.slice(0, slash), key: object.slice(slash + 1) };
  }
  if (rest.startsWith('arn:')) {
    return {
      kind: 'invalid',
      raw,
      prefix,
      reason:
        'is neither an SSM parameter ARN (arn:aws:ssm:REGION:ACCOUNT:parameter/NAME) nor an S3 object ARN (arn:aws:s3:::BUCKET/KEY)',
    };
  }
  if (prefix) {
    if (rest.startsWith(FILE_URL)) return { kind: 'host-file', raw, prefix, path: rest.slice(FILE_URL.length) };
    return { kind: 'invalid', raw, prefix, reason: `names neither an ARN nor a ${FILE_URL} path after ${prefix}:` };
  }
  if (rest === '') return { kind: 'invalid', raw, reason: 'is empty' };
  return { kind: 'local-file', raw, path: rest.startsWith(FILE_URL) ? rest.slice(FILE_URL.length) : rest };
}
