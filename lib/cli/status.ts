// `gmsa-ready status`: the hosts' join status as a table (or one instance's history), read through the
// Store from a deployed stage's table, or from a sandbox run of a world when no stage is given.
import { clientConfig } from '../aws/client-config';
import { describeError, isAwsError } from '../aws/errors';
import { INSTANCE_ID_SHAPE, patterns } from '../config/patterns';
import type { Store } from '../engine/ports';
import { Sandbox } from '../sandbox/sandbox';
import type { World } from '../sandbox/world';
import { statusRows } from '../status/rows';
import { STATUSES } from '../status/statuses';
import { formatHistory, formatStatusTable } from '../status/table';
import { createDocumentClient, createDynamoStore, STATUS_INDEX } from '../store/dynamo';
import type { HostRecord, Status } from '../workflow/types';
import { stageArg } from './args';
import { AwsAccessError, REGION, regionOf, withAwsAccess } from './aws-access';
import { type CommandSpec, type Parsed, runCommand } from './command';
import { type CliIo, EXIT, UsageError } from './io';
import { loadWorld } from './run-world';

/** Exit status when the command ran but found nothing to show for --instance, or could not read the stage. */
export const EXIT_NOT_FOUND = 1;

/** Per status, up to PAGE_SIZE × MAX_PAGES most recently updated records: a long TERMINATED tail stays cheap. */
export const PAGE_SIZE = 100;
export const MAX_PAGES = 10;

export const stageTableName = (stage: string) => `gmsa-ready-${stage}-hosts`;

export const statusCommand: CommandSpec = {
  name: 'status',
  summary: "hosts' join status (a stage's table, or a sandbox world's)",
  usage: ['[--stage STAGE [--region REGION] | --world FILE] [--fleet NAME] [--instance ID] [--json]'],
  options: {
    stage: {
      value: 'STAGE',
      help: "read the deployed stage's table (gmsa-ready-STAGE-hosts) with your AWS credentials\n(Region from AWS_REGION or your profile)",
    },
    region: { value: 'REGION', help: "with --stage: the stage's Region (default: AWS_REGION, else your profile's)" },
    world: {
      value: 'FILE',
      help: "without --stage: run a sandbox world (the built-in demo, or --world FILE) until it is quiet\nand show the same view from the sandbox's records",
    },
    fleet: { value: 'NAME', help: "only this fleet's hosts" },
    instance: { value: 'ID', help: "one instance's record and recent history instead of the table" },
    json: {
      help: '{"hosts":[{instanceId,fleet,computerName,status,step,ageSeconds,reason}]}, or with\n--instance {"host":RECORD}',
    },
  },
  exits: {
    [EXIT.ok]: 'ok',
    [EXIT_NOT_FOUND]:
      'no record for --instance, or the stage could not be read (one line says what is missing:\na Region, credentials, an IAM permission, the table)',
    [EXIT.usage]: 'bad usage or an unreadable world file',
  },
};

interface StatusArgs {
  stage?: string;
  region?: string;
  world?: string;
  fleet?: string;
  instance?: string;
  json: boolean;
}

function statusArgs(args: Parsed): StatusArgs {
  const stage = stageArg(args);
  const [world, fleet, instance] = [args.string('world'), args.string('fleet'), args.string('instance')];
  const region = args.string('region');
  if (region !== undefined && stage === undefined) throw new UsageError('--region applies to --stage only');
  if (region !== undefined && !REGION.test(region))
    throw new UsageError(`--region must be a Region name such as eu-west-1, got '${region}'`);
  if (stage !== undefined && world !== undefined)
    throw new UsageError('--world runs a sandbox; it cannot be combined with --stage');
  if (fleet !== undefined && !patterns.fleetName.test(fleet))
    throw new UsageError(`--fleet must be a fleet name (a-z, 0-9, -; up to 32 characters), got '${fleet}'`);
  if (instance !== undefined && !patterns.instanceId.test(instance))
    throw new UsageError(`--instance must be ${INSTANCE_ID_SHAPE}, got '${instance}'`);
  if (instance !== undefined && fleet !== undefined)
    throw new UsageError('--instance shows one host and --fleet filters the table: give one of them');
  return { stage, region, world, fleet, instance, json: args.flag('json') };
}

export function runStatus(argv: string[], io: CliIo): Promise<number> {
  return runCommand(statusCommand, argv, io, async (parsed) => {
    const args = statusArgs(parsed);
    if (args.stage !== undefined) return await showStage(args.stage, args, io);
    return await showSandbox(loadWorld(args.world), args, io);
  });
}

/** The world's scenario run to quiet; ages are measured on the sandbox's virtual clock. */
async function showSandbox(world: World, args: StatusArgs, io: CliIo): Promise<number> {
  const sandbox = await Sandbox.create({ world });
  try {
    sandbox.scheduleScenario();
    await sandbox.runUntilQuiet();
    return await showStatus(sandbox.store, Math.floor(sandbox.scheduler.now()), args, io);
  } finally {
    await sandbox.stop();
  }
}

async function showStage(stage: string, args: StatusArgs, io: CliIo): Promise<number> {
  const tableName = stageTableName(stage);
  const client = createDocumentClient(undefined, args.region ? { ...clientConfig, region: args.region } : clientConfig);
  const access = {
    action:
      args.instance === undefined ? `dynamodb:Query (on the table and its ${STATUS_INDEX} index)` : 'dynamodb:GetItem',
    resource: `table ${tableName}`,
    whenMissing: `is stage '${stage}' deployed in this Region?`,
  };
  try {
    const store = createDynamoStore({ client, tableName });
    return await withAwsAccess(access, regionOf(client), () =>
      showStatus(store, Math.floor(Date.now() / 1000), args, io),
    );
  } catch (error) {
    if (error instanceof AwsAccessError || !isAwsError(error)) throw error;
    io.stderr(`status: cannot read table ${tableName}: ${describeError(error)}\n`);
    return EXIT_NOT_FOUND;
  } finally {
    client.destroy();
  }
}

async function showStatus(store: Store, now: number, args: StatusArgs, io: CliIo): Promise<number> {
  if (args.instance !== undefined) {
    const record = await store.get(args.instance);
    if (!record) {
      io.stderr(`status: no record for instance ${args.instance}\n`);
      return EXIT_NOT_FOUND;
    }
    io.stdout(args.json ? `${JSON.stringify({ host: record }, null, 2)}\n` : `${formatHistory(record)}\n`);
    return EXIT.ok;
  }
  const { records, truncated } = await readRecords(store);
  const rows = statusRows(records, now)
    .filter((row) => args.fleet === undefined || row.fleet === args.fleet)
    // Records carry fractional epoch seconds; scripts want whole ones.
    .map((row) => ({ ...row, ageSeconds: Math.floor(row.ageSeconds) }));
  io.stdout(args.json ? `${JSON.stringify({ hosts: rows }, null, 2)}\n` : `${formatStatusTable(rows)}\n`);
  for (const status of truncated)
    io.stderr(`status: only the ${PAGE_SIZE * MAX_PAGES} most recently updated ${status} hosts were read\n`);
  return EXIT.ok;
}

/** Every status through the byStatus index, newest first, bounded per status; says which were cut short. */
async function readRecords(store: Store): Promise<{ records: HostRecord[]; truncated: Status[] }> {
  const records: HostRecord[] = [];
  const truncated: Status[] = [];
  for (const status of STATUSES) {
    let cursor: string | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
      const result = await store.listByStatus(status, { limit: PAGE_SIZE, cursor });
      records.push(...result.items);
      cursor = result.cursor;
      if (!cursor) break;
    }
    if (cursor) truncated.push(status);
  }
  return { records, truncated };
}
