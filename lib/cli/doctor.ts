// `gmsa-ready doctor`: a read-only preflight of a deployed stage (the operator's credentials) or of a sandbox
// world, one ✓/✗ line per check with a message and, when it fails, a remedy. Gathering is lib/doctor/gather.ts
// through a probe (lib/doctor/aws-probe.ts or sandbox-probe.ts); judging is lib/doctor/checks.ts.
import { join } from 'node:path';
import { clientConfig } from '../aws/client-config';
import { loadConfigFile } from '../config/file';
import type { Config } from '../config/schema';
import type { Check } from '../doctor/catalogue';
import { allPassed, runChecks } from '../doctor/checks';
import { gatherFacts } from '../doctor/gather';
import { doctorNames } from '../doctor/names';
import type { Probe } from '../doctor/probe';
import { oneLine } from '../text/terminal';
import { stageArg } from './args';
import { ensureAwsConfigured, REGION } from './aws-access';
import { type CommandSpec, type Parsed, runCommand } from './command';
import { type CliIo, EXIT, UsageError } from './io';
import { loadWorld } from './run-world';

/** Exit status when any check failed. */
export const EXIT_CHECK_FAILED = 1;
/** How long the doctor waits for the probe document on a real management host, by default. */
export const DEFAULT_PROBE_TIMEOUT = 90;

export const doctorCommand: CommandSpec = {
  name: 'doctor',
  summary: "read-only preflight of a stage's setup (or a sandbox world's): hooks, rules, AD, specs, queues",
  usage: [
    '--stage STAGE [--region REGION] [--config FILE] [--probe-timeout SECONDS] [--json]',
    '--world FILE [--json]',
  ],
  about: [
    '',
    'Each check prints one line: ✓ or ✗, the fleet (- for the whole stage), its id, what it found, and for a',
    '✗ the remedy. Only read-only calls are made; docs/doctor.md lists each IAM action and every check id.',
  ],
  options: {
    stage: {
      value: 'STAGE',
      help: 'check the deployed stage with your AWS credentials (Region from AWS_REGION or your profile);\nits fleets come from config/STAGE.yml',
    },
    region: { value: 'REGION', help: "with --stage: the stage's Region" },
    config: { value: 'FILE', help: 'with --stage: the config the stage was deployed from (default config/STAGE.yml)' },
    'probe-timeout': {
      value: 'SECONDS',
      help: `with --stage: how long to wait for the probe document on the management host (default ${DEFAULT_PROBE_TIMEOUT})`,
    },
    world: { value: 'FILE', help: "check a sandbox world's account instead (its misconfigurations included)" },
    json: { help: '{"checks":[{id,fleet,ok,message,remedy}]} (fleet null for stage-wide checks, remedy null when ok)' },
  },
  exits: {
    [EXIT.ok]: 'every check passed',
    [EXIT_CHECK_FAILED]: 'a check failed, or AWS could not be reached (one line says what is missing)',
    [EXIT.usage]: 'bad usage, or an unreadable world or config file',
  },
};

interface DoctorArgs {
  stage?: string;
  region?: string;
  config?: string;
  world?: string;
  probeTimeout: number;
  json: boolean;
}

function doctorArgs(args: Parsed): DoctorArgs {
  const stage = stageArg(args);
  const [world, region, config, timeout] = ['world', 'region', 'config', 'probe-timeout'].map((n) => args.string(n));
  if (stage === undefined && world === undefined) throw new UsageError('give --stage STAGE or --world FILE');
  if (stage !== undefined && world !== undefined) throw new UsageError('give --stage or --world, not both');
  for (const [name, value] of [
    ['region', region],
    ['config', config],
    ['probe-timeout', timeout],
  ] as const)
    if (value !== undefined && stage === undefined) throw new UsageError(`--${name} applies to --stage only`);
  if (region !== undefined && !REGION.test(region))
    throw new UsageError(`--region must be a Region name such as eu-west-1, got '${region}'`);
  if (timeout !== undefined && (!/^\d{1,4}$/.test(timeout) || Number(timeout) < 10 || Number(timeout) > 3600))
    throw new UsageError(`--probe-timeout must be whole seconds from 10 to 3600, got '${timeout}'`);
  return {
    stage,
    region,
    config,
    world,
    probeTimeout: timeout === undefined ? DEFAULT_PROBE_TIMEOUT : Number(timeout),
    json: args.flag('json'),
  };
}

export function runDoctor(argv: string[], io: CliIo): Promise<number> {
  return runCommand(doctorCommand, argv, io, async (parsed) => {
    const args = doctorArgs(parsed);
    const checks = args.stage !== undefined ? await checkStage(args.stage, args) : await checkWorld(args.world);
    io.stdout(args.json ? `${JSON.stringify({ checks }, null, 2)}\n` : formatChecks(checks));
    return allPassed(checks) ? EXIT.ok : EXIT_CHECK_FAILED;
  });
}

async function checkWorld(path: string | undefined): Promise<Check[]> {
  const world = loadWorld(path);
  const { sandboxProbe } = await import('../doctor/sandbox-probe');
  const config = { fleets: world.fleets } as Config;
  return run(config, 'sandbox', sandboxProbe(world));
}

async function checkStage(stage: string, args: DoctorArgs): Promise<Check[]> {
  const { createAwsProbe } = await import('../doctor/aws-clients');
  const { probe, destroy, ssm } = createAwsProbe(
    args.region ? { ...clientConfig, region: args.region } : clientConfig,
    { probeDocument: doctorNames(stage).probeDocument, timeoutSeconds: args.probeTimeout },
  );
  try {
    // A missing Region or credentials is one line before anything else (no request is sent for it).
    await ensureAwsConfigured(ssm);
    const config = readConfig(args.config ?? join('config', `${stage}.yml`));
    return await run(config, stage, probe);
  } finally {
    destroy();
  }
}

function readConfig(path: string): Config {
  try {
    return loadConfigFile(path);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

const run = async (config: Config, stage: string, probe: Probe) =>
  runChecks(config, await gatherFacts(config, doctorNames(stage), probe));

/** One line per check: `✓ fleet id: message`, and for a failure `— remedy: ...` on the same line. */
export function formatChecks(checks: Check[]): string {
  const lines = checks.map(
    (c) =>
      `${c.ok ? '✓' : '✗'} ${c.fleet ?? '-'} ${c.id}: ${oneLine(c.message)}${c.remedy ? ` — remedy: ${oneLine(c.remedy)}` : ''}`,
  );
  const failed = checks.filter((c) => !c.ok).length;
  lines.push(failed === 0 ? `${checks.length} checks passed` : `${failed} of ${checks.length} checks failed`);
  return `${lines.join('\n')}\n`;
}
