// discoverCredentialSpecs under least privilege: the roles grant reading discovered specs exactly where the
// fleet's discoveredSpecLocations say they may live, judged by the IAM policy simulator and by the sandbox's
// evaluator, on roles from the builder that generates the template (lib/infra/iam.ts).
import { describe, expect, it } from 'vitest';
import { loadConfigFile } from '../../lib/config/file';
import { parseConfig } from '../../lib/config/load';
import type { Config } from '../../lib/config/schema';
import { evaluate, type IamRequest } from '../../lib/infra/evaluate';
import { buildRoles } from '../../lib/infra/iam';
import { pseudoParameters, type ResolvedStatement, resolveStatements } from '../../lib/infra/resolve';
import { ACCOUNT, REGION } from './policies';
import { simulateRequest } from './simulator';

const example = loadConfigFile('config/example.yml');

function withDiscovery(locations: unknown): Config {
  const [first, ...rest] = example.fleets;
  return parseConfig(
    { fleets: [{ ...first, discoverCredentialSpecs: true, discoveredSpecLocations: locations }, ...rest] },
    'test',
  );
}

/** The lifecycle role (every worker holds verify) as it deploys in us-east-1 / 123456789012. */
function lifecycleStatements(config: Config): ResolvedStatement[] {
  const roles = buildRoles(config, { service: 'gmsa-ready', stage: 'example' }) as Record<
    string,
    { Properties: { Policies: { PolicyDocument: { Statement: Parameters<typeof resolveStatements>[0] } }[] } }
  >;
  const statements = roles.LifecycleRole?.Properties.Policies.flatMap((p) => p.PolicyDocument.Statement) ?? [];
  const pseudo = pseudoParameters(REGION, ACCOUNT);
  return resolveStatements(statements, (name) => pseudo(name) ?? `<${name}>`);
}

const parameter = (name: string): IamRequest => ({
  action: 'ssm:GetParameter',
  resource: `arn:aws:ssm:${REGION}:${ACCOUNT}:parameter/${name}`,
});
const object = (bucket: string, key: string): IamRequest => ({
  action: 's3:GetObject',
  resource: `arn:aws:s3:::${bucket}/${key}`,
});

const CASES: [IamRequest, 'allowed' | 'denied'][] = [
  [parameter('gmsa/web'), 'allowed'],
  [parameter('gmsa/teams/api'), 'allowed'],
  [parameter('apps/gmsa/web'), 'denied'],
  [parameter('gmsaextra'), 'denied'],
  [{ ...parameter('gmsa/web'), resource: `arn:aws:ssm:eu-west-1:${ACCOUNT}:parameter/gmsa/web` }, 'denied'],
  [{ ...parameter('gmsa/web'), resource: `arn:aws:ssm:${REGION}:999999999999:parameter/gmsa/web` }, 'denied'],
  [object('team-specs', 'credspecs/api.json'), 'allowed'],
  [object('team-specs', 'other/api.json'), 'denied'],
  [object('whole-bucket', 'anything/at/all.json'), 'allowed'],
  [object('someone-else', 'credspecs/api.json'), 'denied'],
  // The configured specs stay readable as before.
  [parameter('gmsa/orders-api'), 'allowed'],
];

describe('discovered credential specs under least privilege', () => {
  const config = withDiscovery({
    ssmParameterPaths: ['/gmsa/'],
    s3: [{ bucket: 'team-specs', keyPrefix: 'credspecs/' }, { bucket: 'whole-bucket' }],
  });
  const statements = lifecycleStatements(config);

  it.each(CASES)('%o is %s', async (request, expected) => {
    const principal = `arn:aws:sts::${ACCOUNT}:assumed-role/LifecycleRole/lifecycle`;
    expect(await simulateRequest(statements, request, principal)).toBe(expected);
    expect(evaluate(statements, request)).toBe(expected);
  });

  it('grants exactly the configured locations, and nothing for them without discovery', () => {
    const discovered = statements.filter((s) => s.Sid?.startsWith('DiscoveredSpec'));
    expect(discovered.map((s) => [s.Sid, s.Resource])).toEqual([
      ['DiscoveredSpecParameters', [`arn:aws:ssm:${REGION}:${ACCOUNT}:parameter/gmsa/*`]],
      ['DiscoveredSpecObjects', ['arn:aws:s3:::team-specs/credspecs/*', 'arn:aws:s3:::whole-bucket/*']],
    ]);
    expect(lifecycleStatements(example).filter((s) => s.Sid?.startsWith('DiscoveredSpec'))).toEqual([]);
  });

  it.each([
    [
      { ssmParameterPaths: ['/gmsa/*'] },
      'fleets[0].discoveredSpecLocations.ssmParameterPaths[0]: must be a parameter path prefix',
    ],
    [{ s3: [{ bucket: 'Bad_Bucket' }] }, 'fleets[0].discoveredSpecLocations.s3[0].bucket: must be an S3 bucket name'],
    [
      { s3: [{ bucket: 'ok-bucket', keyPrefix: 'a*' }] },
      'fleets[0].discoveredSpecLocations.s3[0].keyPrefix: must be an S3 key prefix',
    ],
    [{ ssmParameterPath: ['/gmsa/'] }, 'ssmParameterPath'],
  ])('refuses locations %o, naming the field', (locations, message) => {
    expect(() => withDiscovery(locations)).toThrow(message);
  });

  it('refuses locations on a fleet that does not discover', () => {
    const [first, ...rest] = example.fleets;
    expect(() =>
      parseConfig(
        { fleets: [{ ...first, discoveredSpecLocations: { ssmParameterPaths: ['/gmsa/'] } }, ...rest] },
        'test',
      ),
    ).toThrow('discoveredSpecLocations: is set but discoverCredentialSpecs is not true');
  });
});
