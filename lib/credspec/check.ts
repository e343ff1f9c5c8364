// Checks credential spec sources end to end: parse the source, fetch, validate, and prove the pieces the
// task will need (the domainless secret, the task execution role's access) are there.
import type { ECSClient } from '@aws-sdk/client-ecs';
import type { IAMClient } from '@aws-sdk/client-iam';
import type { S3Client } from '@aws-sdk/client-s3';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { SSMClient } from '@aws-sdk/client-ssm';
import type { DiscoveryLocations } from '../config/schema';
import type { CredSpecCheck, CredSpecFinding, Effect, Mode, Platform } from '../workflow/types';
import { type DiscoveredSpec, discoverCredentialSpecs } from './discover';
import { checkSecretExists, fetchObject, fetchParameter, simulateTaskRoleRead } from './fetch';
import { error, ROOT, toCheck, warning } from './findings';
import { missingLocation, type StackPlace, withinLocations } from './locations';
import { inspectCredSpecText } from './rules';
import { type CredSpecSource, parseSource } from './source';

export interface CheckClients {
  ssm: SSMClient;
  s3: S3Client;
  secrets: SecretsManagerClient;
  iam?: IAMClient;
}

/** What is known about the hosts that will use the spec; anything absent is not checked. */
export interface SourceCheckOptions {
  domain?: string;
  platform?: Platform;
  mode?: Mode;
  taskExecutionRoleArn?: string;
}

export interface CheckOptions {
  domain: string;
  platform: Platform;
  mode: Mode;
  /** Discovery: the cluster to read, where its specs may be read from, and the stack's account and Region. */
  discover?: { ecs: ECSClient; cluster: string; locations?: DiscoveryLocations; stack: StackPlace };
  taskExecutionRoleArn?: string;
}

const NO_LOCATIONS: DiscoveryLocations = { ssmParameterPaths: [], s3: [] };

/** The launch path's verify step: the fleet's specs plus, optionally, every spec the cluster's services use. */
export async function checkCredentialSpecs(
  sources: string[],
  options: CheckOptions,
  clients: CheckClients,
): Promise<CredSpecCheck[]> {
  const discovered = options.discover
    ? await discoverCredentialSpecs(options.discover.ecs, options.discover.cluster)
    : [];
  const checks: CredSpecCheck[] = [];
  // One at a time: Parameter Store's default throughput is shared by every reader in the account.
  for (const source of new Set(sources)) checks.push(await checkSource(source, options, () => clients));
  const configured = new Set(sources.map((raw) => remoteArn(parseSource(raw))));
  for (const spec of discovered) {
    if (sources.includes(spec.source)) continue;
    const source = parseSource(spec.source);
    const discover = options.discover;
    const readable =
      !discover ||
      (source.kind !== 'ssm' && source.kind !== 's3') ||
      configured.has(source.arn) ||
      withinLocations(source, discover.locations ?? NO_LOCATIONS, discover.stack);
    if (readable) checks.push(await checkSource(spec.source, options, () => clients));
    else checks.push(toCheck(spec.source, [outsideLocations(spec, source, discover.stack)]));
  }
  return checks;
}

const remoteArn = (source: CredSpecSource) => (source.kind === 'ssm' || source.kind === 's3' ? source.arn : undefined);

/** IAM grants gmsa-ready only the configured locations: a spec elsewhere is reported, never fetched, never fatal. */
function outsideLocations(
  spec: DiscoveredSpec,
  source: Extract<CredSpecSource, { kind: 'ssm' | 's3' }>,
  stack: StackPlace,
): CredSpecFinding {
  const users =
    spec.usedBy.slice(0, 3).join(', ') + (spec.usedBy.length > 3 ? ` and ${spec.usedBy.length - 3} more` : '');
  return warning(
    'outside-discovery-locations',
    ROOT,
    `Used by ${users}, but outside the fleet's discoveredSpecLocations, so gmsa-ready may not read it and did not check it: add ${missingLocation(source, stack)} to discoveredSpecLocations to have it checked.`,
  );
}

export type InspectEffect = Extract<Effect, { type: 'inspect' }>;

/** The AWS effector's `credSpecs` dependency: an inspect effect checked with these clients, in this stack. */
export const credSpecCheckerFor =
  (clients: CheckClients & { ecs: ECSClient }, stack: StackPlace) =>
  (effect: InspectEffect): Promise<CredSpecCheck[]> =>
    checkCredentialSpecs(
      effect.credentialSpecs,
      {
        domain: effect.directoryName,
        platform: effect.platform,
        mode: effect.mode,
        discover: effect.discover
          ? { ecs: clients.ecs, cluster: effect.cluster, locations: effect.discoveryLocations, stack }
          : undefined,
        taskExecutionRoleArn: effect.taskExecutionRoleArn,
      },
      clients,
    );

/** `getClients` is called only for a source that needs AWS, so the CLI builds no client for local files. */
export async function checkSource(
  raw: string,
  options: SourceCheckOptions,
  getClients: () => CheckClients,
): Promise<CredSpecCheck> {
  const source = parseSource(raw);
  if (source.kind === 'invalid') return toCheck(raw, [error('invalid-source', ROOT, `${raw} ${source.reason}.`)]);
  if (source.kind === 'local-file') {
    return toCheck(raw, [
      error(
        'invalid-source',
        ROOT,
        `${raw} is a local path: only SSM parameter and S3 object ARNs can be checked here.`,
      ),
    ]);
  }
  if (source.kind === 'host-file') return toCheck(raw, [hostFileFinding(source.path, options.platform)]);

  const findings: CredSpecFinding[] = [];
  if (source.prefix === 'credentialspec' && options.mode === 'domainless') {
    findings.push(
      error(
        'mode-mismatch',
        ROOT,
        'The task uses credentialspec: (domain-joined) but this fleet runs domainless hosts, which are not joined to the domain: its tasks fail to start. Use credentialspecdomainless: with a HostAccountConfig.',
      ),
    );
  }
  const domainless =
    source.prefix === 'credentialspecdomainless' || (source.prefix === undefined && options.mode === 'domainless');

  const clients = getClients();
  const fetched = await fetchSpec(source, clients);
  if ('finding' in fetched) {
    findings.push(fetched.finding);
  } else {
    const inspection = inspectCredSpecText(fetched.text, {
      domain: options.domain,
      platform: options.platform,
      domainless,
      sourceKind: source.kind,
    });
    findings.push(...inspection.findings);
    if (inspection.secretArn) findings.push(...(await checkSecretExists(clients.secrets, inspection.secretArn)));
  }
  if (options.taskExecutionRoleArn && clients.iam) {
    findings.push(...(await simulateTaskRoleRead(clients.iam, options.taskExecutionRoleArn, source)));
  }
  return toCheck(raw, findings);
}

type RemoteSource = Extract<CredSpecSource, { kind: 'ssm' | 's3' }>;

const fetchSpec = (source: RemoteSource, clients: CheckClients) =>
  source.kind === 'ssm' ? fetchParameter(clients.ssm, source.arn) : fetchObject(clients.s3, source.bucket, source.key);

function hostFileFinding(path: string, platform: Platform | undefined): CredSpecFinding {
  if (platform === 'linux') {
    return error(
      'wrong-platform',
      ROOT,
      `file://${path} names a file on the container host, which only Windows supports: Linux tasks using it fail to start. Store the spec in SSM Parameter Store or S3.`,
    );
  }
  return warning(
    'not-checkable',
    ROOT,
    `file://${path} is a file on each container host (under C:\\ProgramData\\Docker\\CredentialSpecs) and cannot be checked from here; make sure every host has it.`,
  );
}
