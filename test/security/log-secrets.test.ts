// Nothing secret is ever logged (issue 7). A full sandbox run with logging at DEBUG, every incoming event
// logged and metrics on, every line the handlers print captured (process stdout/stderr and console), then
// grepped for values that must never appear: the domainless user's SecretString (which gmsa-ready must never
// even read: DescribeSecret only, never GetSecretValue), the PluginInput of the credential spec, a marker in
// a SendCommand parameter (AWS marks Parameters sensitive), and the function's AWS secret access key.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_CREDENTIALS } from '../../lib/sandbox/local-table';
import type { Report } from '../../lib/sandbox/report';
import { buildWorld, credentialSpec, type FleetPlan, instanceId, runWorld, SECRET_ARN } from '../property/worlds';

const PASSWORD = 'Pa55w0rd-CANARY-7f3e9c1d5b';
const SECRET_STRING = JSON.stringify({ username: 'svc-gmsa-domainless', password: PASSWORD });
const OU_MARKER = 'CanaryOu4b7e2a';

const fleets: FleetPlan[] = [
  {
    platform: 'windows',
    mode: 'domainless',
    onLaunchFailure: 'ABANDON',
    deleteComputerAccount: true,
    heartbeatTimeoutSeconds: 900,
  },
  {
    platform: 'linux',
    mode: 'domainless',
    onLaunchFailure: 'CONTINUE',
    deleteComputerAccount: true,
    heartbeatTimeoutSeconds: 900,
  },
  {
    platform: 'windows',
    mode: 'domain-joined',
    onLaunchFailure: 'ABANDON',
    deleteComputerAccount: true,
    heartbeatTimeoutSeconds: 900,
  },
];

const windowsPluginInput = (
  credentialSpec(fleets[0] as FleetPlan, 0).ActiveDirectoryConfig as {
    HostAccountConfig: { PluginInput: string };
  }
).HostAccountConfig.PluginInput;

/** Values that must not appear in any captured line. */
const SECRETS = {
  'the SecretString': SECRET_STRING,
  'the domainless password': PASSWORD,
  'the Windows PluginInput': windowsPluginInput,
  'the directoryOU SendCommand parameter': OU_MARKER,
  'the AWS secret access key': LOCAL_CREDENTIALS.secretAccessKey,
};

const ENV = {
  POWERTOOLS_LOG_LEVEL: 'DEBUG',
  POWERTOOLS_LOGGER_LOG_EVENT: 'true',
  POWERTOOLS_METRICS_DISABLED: 'false',
  POWERTOOLS_DEV: 'false',
};

/** Every write to stdout/stderr and every console call, for the duration of `run`. */
async function capturing<T>(run: () => Promise<T>): Promise<{ result: T; lines: string[] }> {
  const lines: string[] = [];
  const record = (chunk: unknown) =>
    lines.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString());
  const streams = [process.stdout, process.stderr];
  const writes = streams.map((s) => s.write);
  for (const stream of streams)
    stream.write = ((chunk: unknown) => {
      record(chunk);
      return true;
    }) as typeof stream.write;
  const methods = ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const;
  const originals = methods.map((m) => console[m]);
  for (const m of methods)
    console[m] = (...args: unknown[]) =>
      record(args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' '));
  try {
    return { result: await run(), lines };
  } finally {
    streams.forEach((s, i) => {
      s.write = writes[i] as typeof s.write;
    });
    methods.forEach((m, i) => {
      console[m] = originals[i] as (typeof console)[typeof m];
    });
  }
}

describe('a full sandbox run with DEBUG logs and metrics on', () => {
  const saved = Object.fromEntries(Object.keys(ENV).map((k) => [k, process.env[k]]));
  let report: Report;
  let lines: string[];

  beforeAll(async () => {
    Object.assign(process.env, ENV);
    const world = buildWorld({
      fleets,
      ou: `OU=${OU_MARKER},DC=corp,DC=example,DC=com`,
      instances: [
        { fleet: 0, launchAt: 0, end: { kind: 'terminate', after: 900 } },
        { fleet: 1, launchAt: 0, fault: 'ecs-never-registers' },
        { fleet: 2, launchAt: 0, end: { kind: 'terminate', after: 900 } },
        { fleet: 2, launchAt: 30, fault: 'join-fails' },
      ],
    });
    ({ result: report, lines } = await capturing(() =>
      runWorld(world, 1, (sandbox) => sandbox.account.storage.secretValues.set(SECRET_ARN, SECRET_STRING)),
    ));
  }, 60_000);

  afterAll(() => {
    for (const [key, value] of Object.entries(saved))
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
  });

  it('ran the whole story and the capture saw the handlers log and emit metrics', () => {
    expect(report.invariants.held).toBe(true);
    expect(report.instances.map((i) => i.status)).toEqual(['TERMINATED', 'FAILED', 'TERMINATED', 'FAILED']);
    const text = lines.join('\n');
    expect(text).toContain(instanceId(0)); // the incoming events and record changes are in the capture
    expect(text).toContain('"_aws"'); // EMF metrics too
    expect(text).toContain('launch failed at join');
  });

  it('checked the domainless secret exists without ever reading it', () => {
    expect(report.sandbox.awsCalls['secretsmanager:DescribeSecret']).toBeGreaterThan(0);
    expect(report.sandbox.awsCalls['secretsmanager:GetSecretValue']).toBeUndefined();
  });

  it.each(Object.entries(SECRETS))('never prints %s', (_what, secret) => {
    const leaks = lines.filter((line) => line.includes(secret));
    expect(leaks).toEqual([]);
  });

  it('sent the marked parameter to SSM, so its absence from the logs means something', () => {
    const joins = report.commands.filter((c) => c.documentName === 'AWS-JoinDirectoryServiceDomain');
    expect(joins.map((c) => c.parameters.directoryOU?.[0])).toContain(`OU=${OU_MARKER},DC=corp,DC=example,DC=com`);
  });
});
