// `gmsa-ready check-credspec`: the launch path's credential spec check, for ops. Local files are validated
// offline; ARNs are fetched with the caller's AWS credentials. Exit 0 all valid, 1 any error, 2 bad usage.
import { S3Client } from '@aws-sdk/client-s3';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SSMClient } from '@aws-sdk/client-ssm';
import { clientConfig } from '../aws/client-config';
import { patterns } from '../config/patterns';
import { type CheckClients, checkSource, parseSource, validateCredSpecText } from '../credspec';
import { error, ROOT, toCheck } from '../credspec/findings';
import { CREDSPEC_MAX_BYTES } from '../credspec/limits';
import { readInputText } from '../files';
import type { CredSpecCheck, CredSpecFinding, Platform } from '../workflow/types';
import { ensureAwsConfigured, REGION } from './aws-access';
import { type CommandSpec, type Parsed, runCommand } from './command';
import { UsageError } from './io';

export interface CheckCredspecIo {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  readFile?: (path: string) => Promise<string>;
  /** Builds SDK clients for a Region (undefined: the default chain's). Called only when an ARN is checked. */
  clients?: (region: string | undefined) => CheckClients;
}

export const checkCredspecCommand: CommandSpec = {
  name: 'check-credspec',
  summary: 'check credential specs (local files offline; ARNs with your AWS credentials)',
  usage: ['[--domain corp.example.com] [--platform windows|linux] [--region REGION] [--json] ARN_OR_FILE...'],
  about: ['The same check the launch path runs before a host is joined (docs/credspecs.md lists every finding).'],
  options: {
    domain: { value: 'DOMAIN', help: "the AD DNS domain the spec must name (a fleet's domain)" },
    platform: { value: 'windows|linux', help: 'check the fields that platform needs' },
    region: {
      value: 'REGION',
      help: "the Region for S3 and Secrets Manager ARNs (default: AWS_REGION, else your profile's);\nan SSM parameter ARN names its own",
    },
    json: { help: '{"results":[{source,valid,findings:[{severity,code,path,message}]}]}' },
  },
  positionals: {
    name: 'ARN_OR_FILE...',
    help: 'a local file (or credentialspec:file://NAME), or an S3 object, SSM parameter or\nSecrets Manager secret ARN',
  },
  exits: {
    0: 'every spec valid',
    1: 'a spec has an error finding or could not be read, or an ARN was given with no AWS Region or\ncredentials (one line says which)',
    2: 'bad usage',
  },
};

interface Args {
  domain?: string;
  region?: string;
  platform?: Platform;
  json: boolean;
  sources: string[];
}

/** `argv` is what follows `check-credspec` on the command line. */
export function runCheckCredspec(argv: string[], io: CheckCredspecIo): Promise<number> {
  return runCommand(checkCredspecCommand, argv, io, async (parsed) => {
    const args = checkArgs(parsed);
    const readFile = io.readFile ?? readSpecFile;
    const clientsFor = cached(io.clients ?? defaultClients);
    // With the default clients, a missing Region or credentials is said once, not as a finding per ARN.
    const configured = new Set<string>();
    const results: CredSpecCheck[] = [];
    for (const raw of args.sources) {
      const source = parseSource(raw);
      if (source.kind === 'local-file') {
        results.push(await checkLocalFile(raw, source.path, args, readFile));
      } else {
        // An SSM ARN names its Region; S3 and Secrets Manager sources use --region or the default chain's.
        const region = source.kind === 'ssm' ? source.region : args.region;
        if (io.clients === undefined && !configured.has(region ?? '')) {
          await ensureAwsConfigured(clientsFor(region).ssm);
          configured.add(region ?? '');
        }
        results.push(
          await checkSource(raw, { domain: args.domain, platform: args.platform }, () => clientsFor(region)),
        );
      }
    }
    io.stdout(args.json ? `${JSON.stringify({ results }, null, 2)}\n` : formatText(results));
    return results.every((r) => r.valid) ? 0 : 1;
  });
}

function checkArgs(parsed: Parsed): Args {
  const [domain, platform] = [parsed.string('domain'), parsed.string('platform')];
  if (domain !== undefined && !patterns.dnsName.test(domain)) {
    throw new UsageError(`--domain ${JSON.stringify(domain)} is not a DNS domain name such as corp.example.com`);
  }
  if (platform !== undefined && platform !== 'windows' && platform !== 'linux') {
    throw new UsageError(`--platform must be windows or linux, not ${JSON.stringify(platform)}`);
  }
  const region = parsed.string('region');
  if (region !== undefined && !REGION.test(region))
    throw new UsageError(`--region must be a Region name such as eu-west-1, got '${region}'`);
  if (parsed.positionals.length === 0) throw new UsageError('give at least one ARN or file to check');
  return { domain, platform, region, json: parsed.flag('json'), sources: parsed.positionals };
}

async function checkLocalFile(
  raw: string,
  path: string,
  args: Args,
  readFile: (path: string) => Promise<string>,
): Promise<CredSpecCheck> {
  let text: string;
  try {
    text = await readFile(path);
  } catch (e) {
    const missing = (e as { code?: unknown }).code === 'ENOENT';
    const reason = e instanceof Error ? e.message : String(e);
    return toCheck(raw, [error(missing ? 'not-found' : 'read-failed', ROOT, reason)]);
  }
  return toCheck(raw, validateCredSpecText(text, { domain: args.domain, platform: args.platform, sourceKind: 'file' }));
}

/** A regular file of at most CREDSPEC_MAX_BYTES, refused before reading otherwise (a FIFO, /dev/zero, 5 GB). */
async function readSpecFile(path: string): Promise<string> {
  const fail = (message: string, code?: string) => Object.assign(new Error(message), { code });
  return readInputText(path, 'credential spec', fail, CREDSPEC_MAX_BYTES);
}

function defaultClients(region: string | undefined): CheckClients {
  const config = region ? { ...clientConfig, region } : clientConfig;
  return {
    ssm: new SSMClient(config),
    // The bucket's Region is not in its ARN.
    s3: new S3Client({ ...config, followRegionRedirects: true }),
    secrets: new SecretsManagerClient(config),
  };
}

function cached(make: (region: string | undefined) => CheckClients): (region: string | undefined) => CheckClients {
  const byRegion = new Map<string, CheckClients>();
  return (region) => {
    const key = region ?? '';
    const hit = byRegion.get(key);
    if (hit) return hit;
    const clients = make(region);
    byRegion.set(key, clients);
    return clients;
  };
}

function formatText(results: CredSpecCheck[]): string {
  const lines: string[] = [];
  for (const { source, valid, findings } of results) {
    const errors = findings.filter((f) => f.severity === 'error').length;
    const warnings = findings.length - errors;
    const counts = [plural(errors, 'error'), plural(warnings, 'warning')].filter(Boolean).join(', ');
    lines.push(`${source}: ${valid ? 'valid' : 'INVALID'}${counts ? ` (${counts})` : ''}`);
    for (const f of findings) lines.push(formatFinding(f));
  }
  const validCount = results.filter((r) => r.valid).length;
  lines.push(`${validCount} of ${results.length} credential spec${results.length === 1 ? '' : 's'} valid`);
  return `${lines.join('\n')}\n`;
}

const formatFinding = (f: CredSpecFinding): string =>
  `  ${f.severity.padEnd(7)} ${f.code}  ${f.path}\n          ${f.message}`;

const plural = (n: number, word: string): string => (n === 0 ? '' : `${n} ${word}${n === 1 ? '' : 's'}`);
