// Where a fleet lets discovered credential specs be read from (its `discoveredSpecLocations`): SSM parameter
// path prefixes and S3 bucket/key prefixes, in the stack's own account and Region. The IAM roles grant exactly
// these (lib/infra/iam.ts), so a discovered spec elsewhere is not fetched: it is a warning naming the location
// to add, never a failed launch.
import type { DiscoveryLocations } from '../config/schema';
import type { CredSpecSource } from './source';

export interface StackPlace {
  region: string;
  accountId: string;
}

type RemoteSource = Extract<CredSpecSource, { kind: 'ssm' | 's3' }>;

/** The part of a parameter ARN after `parameter/`: the name without its leading slash (aws-facts.md §5). */
const parameterPath = (arn: string) => arn.slice(arn.indexOf(':parameter/') + ':parameter/'.length);
const withoutLeadingSlash = (path: string) => path.replace(/^\//, '');

export function withinLocations(source: RemoteSource, locations: DiscoveryLocations, stack: StackPlace): boolean {
  if (source.kind === 's3')
    return locations.s3.some((l) => l.bucket === source.bucket && source.key.startsWith(l.keyPrefix));
  const [, , , region, account] = source.arn.split(':');
  if (region !== stack.region || account !== stack.accountId) return false;
  const path = parameterPath(source.arn);
  return locations.ssmParameterPaths.some((prefix) => path.startsWith(withoutLeadingSlash(prefix)));
}

/** The location that would let gmsa-ready read this spec, as the config would spell it. */
export function missingLocation(source: RemoteSource, stack: StackPlace): string {
  if (source.kind === 's3') {
    const dir = source.key.includes('/') ? source.key.slice(0, source.key.lastIndexOf('/') + 1) : '';
    return `s3: { bucket: ${source.bucket}, keyPrefix: '${dir}' }`;
  }
  const [, , , region, account] = source.arn.split(':');
  if (region !== stack.region || account !== stack.accountId)
    return `a parameter in this stack's account and Region (${stack.accountId}, ${stack.region}); this one is in ${account}, ${region}`;
  const path = parameterPath(source.arn);
  const dir = path.includes('/') ? `/${path.slice(0, path.lastIndexOf('/') + 1)}` : path;
  return `ssmParameterPaths: ['${dir}']`;
}
