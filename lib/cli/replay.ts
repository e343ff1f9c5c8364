// `gmsa-ready replay`: recorded EventBridge events through gmsa-ready's intake, either in a sandbox
// (`--sandbox`: the real handlers, a simulated account) or in a deployed stage (`--stage`: Lambda Invoke).
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { clientConfig } from '../aws/client-config';
import { functionName } from '../infra/names';
import { intakeFunctionFor } from '../sandbox/events';
import { RUN_OPTIONS, runArgs, stageArg } from './args';
import { EXIT_AWS, REGION, regionOf, withAwsAccess } from './aws-access';
import { type CommandSpec, runCommand } from './command';
import { type RecordedEvent, readEventFiles } from './event-files';
import { type CliIo, EXIT, UsageError } from './io';
import { loadWorld, runWorld } from './run-world';

/** Deployed intake function names (serverless: service-stage-function). */
/** The deployed intake function for an event: the same names serverless.yml deploys (lib/infra/names.ts). */
export const intakeFunctionName = (stage: string, fn: 'lifecycle' | 'command-status') =>
  functionName({ service: 'gmsa-ready', stage }, fn === 'lifecycle' ? 'lifecycle' : 'commandStatus');

export interface StageResult {
  source: string;
  functionName: string | null;
  accepted: boolean;
  reason: string | null;
}

export const replayCommand: CommandSpec = {
  name: 'replay',
  summary: "replay recorded events through the real handlers in a sandbox, or to a deployed stage's intake",
  usage: [
    '--sandbox [--world FILE] [--json] [--seed N] EVENT_FILE...',
    '--stage STAGE [--region REGION] [--json] EVENT_FILE...',
  ],
  about: [
    'Each EVENT_FILE holds one EventBridge event or an array of them (Auto Scaling lifecycle, SSM command status).',
    "--stage invokes the stage's intake functions with your AWS credentials (Region from AWS_REGION or your profile).",
  ],
  options: {
    sandbox: { help: 'replay in a sandbox: the real handlers against a simulated account' },
    stage: { value: 'STAGE', help: "send to this deployed stage's intake functions (Lambda Invoke)" },
    region: { value: 'REGION', help: "with --stage: the stage's Region (default: AWS_REGION, else your profile's)" },
    ...RUN_OPTIONS,
  },
  positionals: { name: 'EVENT_FILE...', help: 'recorded events, replayed file by file in order' },
  exits: {
    [EXIT.ok]: 'every event accepted',
    [EXIT_AWS]:
      'the stage could not be called (one line says what is missing: a Region, credentials,\nan IAM permission, the function)',
    [EXIT.usage]: 'bad usage or an unreadable event or world file',
    [EXIT.rejected]: 'an event was rejected (the report or results are still printed)',
  },
};

export function runReplay(
  argv: string[],
  io: CliIo,
  lambda: (region?: string) => LambdaClient = defaultLambda,
): Promise<number> {
  return runCommand(replayCommand, argv, io, async (parsed) => {
    const args = runArgs(parsed);
    const stage = stageArg(parsed);
    if (parsed.flag('sandbox') === (stage !== undefined))
      throw new UsageError('give exactly one of --sandbox or --stage STAGE');
    if (stage !== undefined && (args.world !== undefined || parsed.string('seed') !== undefined))
      throw new UsageError('--world and --seed apply to --sandbox only');
    const region = parsed.string('region');
    if (region !== undefined && stage === undefined) throw new UsageError('--region applies to --stage only');
    if (region !== undefined && !REGION.test(region))
      throw new UsageError(`--region must be a Region name such as eu-west-1, got '${region}'`);
    const events = readEventFiles(parsed.positionals);
    if (stage !== undefined) return await replayToStage(stage, events, args.json, io, lambda(region));
    const world = loadWorld(args.world);
    return await runWorld(world, args, io, async (sandbox) => {
      // One file at a time, each followed by the world settling: a later file sees what the earlier did.
      for (const file of groupByFile(events)) {
        await sandbox.deliverRecorded(file);
        await sandbox.runUntilQuiet();
      }
    });
  });
}

function defaultLambda(region?: string): LambdaClient {
  return new LambdaClient(region ? { ...clientConfig, region } : clientConfig);
}

function groupByFile(events: RecordedEvent[]): RecordedEvent[][] {
  const files = new Map<string, RecordedEvent[]>();
  for (const event of events) {
    const file = event.source.slice(0, event.source.lastIndexOf('#'));
    files.set(file, [...(files.get(file) ?? []), event]);
  }
  return [...files.values()];
}

async function replayToStage(
  stage: string,
  events: RecordedEvent[],
  json: boolean,
  io: CliIo,
  lambda: LambdaClient,
): Promise<number> {
  const results: StageResult[] = [];
  for (const { source, event } of events) {
    const target = intakeFunctionFor(event);
    if (!target) {
      results.push({
        source,
        functionName: null,
        accepted: false,
        reason: 'not an Auto Scaling lifecycle or SSM command status event',
      });
      continue;
    }
    const functionName = intakeFunctionName(stage, target);
    const access = {
      action: 'lambda:InvokeFunction',
      resource: `function ${functionName}`,
      whenMissing: `is stage '${stage}' deployed in this Region?`,
    };
    // The first access failure ends the run: every later event would meet it too.
    const outcome = await withAwsAccess(access, regionOf(lambda), () => invoke(lambda, functionName, event));
    results.push({ source, functionName, ...outcome });
  }
  if (json) io.stdout(`${JSON.stringify({ stage, results }, null, 2)}\n`);
  else
    for (const r of results)
      io.stdout(
        `${r.accepted ? 'accepted' : 'REJECTED'}  ${r.source} -> ${r.functionName ?? '-'}${r.reason ? `: ${r.reason}` : ''}\n`,
      );
  return results.every((r) => r.accepted) ? EXIT.ok : EXIT.rejected;
}

async function invoke(
  lambda: LambdaClient,
  functionName: string,
  event: unknown,
): Promise<Pick<StageResult, 'accepted' | 'reason'>> {
  const out = await lambda.send(
    new InvokeCommand({
      FunctionName: functionName,
      InvocationType: 'RequestResponse',
      Payload: new TextEncoder().encode(JSON.stringify(event)),
    }),
  );
  const text = out.Payload ? new TextDecoder().decode(out.Payload) : '';
  if (out.FunctionError) return { accepted: false, reason: `${out.FunctionError}: ${text}` };
  try {
    const result = JSON.parse(text) as { accepted?: unknown; reason?: unknown };
    return { accepted: result.accepted === true, reason: typeof result.reason === 'string' ? result.reason : null };
  } catch {
    return { accepted: false, reason: `unexpected response: ${text.slice(0, 200)}` };
  }
}
