// The world file: the account, directory, fleets, instances and scenario a sandbox run simulates.
// Fleets use the deployable config schema so a world is also a valid config; unknown faults and
// actions are rejected naming the field.

import * as z from 'zod';
import { describeIssues } from '../config/load';
import { INSTANCE_ID_SHAPE, patterns } from '../config/patterns';
import { configSchema, type Fleet } from '../config/schema';
import { readInputJson } from '../files';

export const FAULTS = [
  'join-fails',
  'join-times-out',
  'agent-never-online',
  'authorize-fails',
  'refresh-fails',
  'ecs-never-registers',
  // Auto Scaling sends lifecycle events best effort (aws-facts 1.1): this host's event is never delivered,
  // the action still waits on its hook. Only the reconciler's sweep can serve it.
  'launch-event-lost',
  'terminate-event-lost',
] as const;
export type Fault = (typeof FAULTS)[number];

/**
 * Setup mistakes a world can make its account have (issue 15; `gmsa-ready doctor --world` finds each). What
 * each does to the model is in lib/sandbox/model (hooks.ts, directory.ts, ssm.ts, documents.ts, storage.ts).
 */
export const MISCONFIGURATIONS = [
  'launch-hook-missing',
  'terminate-hook-missing',
  'hook-timeout-mismatch',
  'host-group-missing',
  'host-group-not-allowed-to-retrieve-gmsa',
  'management-host-offline',
  'ad-module-missing',
  'kds-root-key-missing',
  'credspec-unreadable',
] as const;
export type MisconfigurationKind = (typeof MISCONFIGURATIONS)[number];

/** Kinds about one fleet's setup: `fleet` narrows them to it (absent: every fleet). The other two are the domain's. */
const FLEET_KINDS = new Set<MisconfigurationKind>(
  MISCONFIGURATIONS.filter((kind) => kind !== 'kds-root-key-missing' && kind !== 'credspec-unreadable'),
);

export class WorldError extends Error {
  override name = 'WorldError';
}

/** Longest joinError: more than GetCommandInvocation's 8,000 characters of StandardErrorContent would be cut. */
export const JOIN_ERROR_MAX = 8000;

const instanceId = z.string().regex(patterns.instanceId, `must be ${INSTANCE_ID_SHAPE}`);

/**
 * The sandbox stops a world after 24 virtual hours (Sandbox's maxVirtualSeconds default): a scenario step
 * later than that would never run, so the world is refused instead.
 */
export const SCENARIO_HORIZON_SECONDS = 24 * 3600;

/**
 * A host name as EC2 gives it before any join: one DNS label of up to 63 characters (`ip-172-31-100-200`,
 * `i-0123456789abcdef0`, `EC2AMAZ-7Q2LK9D`; aws-facts 24). A Windows join keeps it (NetBIOS: its first 15
 * characters); a Linux join renames the host.
 */
const HOSTNAME = /^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;
/** The most members `directory.generatedMembers` makes for one group (MEMBER + 5 digits). */
export const MAX_GENERATED_MEMBERS = 20_000;
const computerAccount = z.string().regex(patterns.computerAccount, 'must be a computer account such as BUILD01$');

/** "90m", "1h30m", "45s", or plain seconds: 90 or "90". */
const DURATION = /^(?=\d)(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/;
const SECONDS = /^\d{1,9}$/;
const offset = z.union([z.number(), z.string()]).transform((value, ctx) => {
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0) return value;
  if (typeof value === 'string' && SECONDS.test(value)) return Number(value);
  const match = typeof value === 'string' ? DURATION.exec(value) : null;
  if (match) return Number(match[1] ?? 0) * 3600 + Number(match[2] ?? 0) * 60 + Number(match[3] ?? 0);
  ctx.addIssue({
    code: 'custom',
    message:
      'must be a duration such as "0m", "90s" or "1h30m", or seconds as a number or a string of digits (90 or "90")',
  });
  return z.NEVER;
});

const stepSchema = z
  .looseObject({
    at: offset.refine((at) => at <= SCENARIO_HORIZON_SECONDS, {
      message: `must be at most 24h (${SCENARIO_HORIZON_SECONDS} s): the sandbox stops a world after 24 virtual hours`,
    }),
    launch: z.array(instanceId).optional(),
    terminate: z.array(instanceId).optional(),
    /** Gone without a lifecycle event (spot reclaim, manual terminate): the reconciler must notice. */
    kill: z.array(instanceId).optional(),
    /** Scale-in to the warm pool: stopped, not terminated; a later `launch` takes it out of the pool again. */
    toWarmPool: z.array(instanceId).optional(),
  })
  .refine((s) => s.launch || s.terminate || s.kill || s.toWarmPool, {
    message: 'needs launch, terminate, kill or toWarmPool',
  });

const chaosSchema = z.looseObject({
  seed: z.number().int().optional(),
  duplicateEvents: z.number().min(0).max(1).default(0),
  dropStatusEvents: z.number().min(0).max(1).default(0),
  reorderEvents: z.boolean().default(false),
  throttle: z.number().min(0).max(1).default(0),
  apiErrors: z.number().min(0).max(1).default(0),
});

const worldSchema = z
  .looseObject({
    account: z
      .string()
      .regex(/^\d{12}$/, 'must be a 12-digit account id')
      .default('123456789012'),
    region: z
      .string()
      .regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'must be a region such as us-east-1')
      .default('us-east-1'),
    /** Virtual start time (ISO 8601); fixed by default so runs are reproducible. */
    start: z.iso.datetime().default('2026-01-01T00:00:00Z'),
    directory: z.looseObject({
      /** The AWS Directory Service id; a self-managed directory (fleets' directory.type) has none. */
      id: z.string().regex(patterns.directoryId, 'must look like d-1234567890').optional(),
      name: z.string().regex(patterns.dnsName, 'must be a DNS domain name'),
      netbiosName: z.string().regex(patterns.netbiosName, 'must be a NetBIOS domain name').optional(),
      groups: z
        .record(z.string().regex(patterns.adGroupName, 'must be an AD group name'), z.array(computerAccount))
        .default({}),
      computers: z.array(computerAccount).default([]),
      /**
       * Members to put in a group before the run, by count (issue 21's big host group): computers MEMBER00001$,
       * MEMBER00002$, ... created long before any launch, so gmsa-ready has no record of them. The names are the
       * same for every group that names a count; a group listed in `groups` keeps its own members too.
       */
      generatedMembers: z
        .record(
          z.string().regex(patterns.adGroupName, 'must be an AD group name'),
          z
            .number()
            .int('must be a whole number of members')
            .min(1, 'must be at least 1')
            .max(MAX_GENERATED_MEMBERS, `must be at most ${MAX_GENERATED_MEMBERS}`),
        )
        .default({}),
    }),
    /** Validated below with the deployable config schema (defaults applied). */
    fleets: z.array(z.unknown()).min(1),
    credentialSpecs: z.record(z.string(), z.union([z.string(), z.record(z.string(), z.unknown())])).default({}),
    /**
     * The account's secrets: ARNs, or {ARN: SecretString}. A value is served to the hosts' model only (the
     * self-managed join documents read their credential on the host); gmsa-ready's functions never see it.
     */
    secrets: z
      .union([
        z.array(z.string().startsWith('arn:', 'must be a Secrets Manager ARN')),
        z.record(z.string().startsWith('arn:', 'must be a Secrets Manager ARN'), z.string()),
      ])
      .default([]),
    instances: z
      .array(
        z.looseObject({
          instanceId,
          autoScalingGroupName: z.string().regex(patterns.autoScalingGroupName, 'must be an Auto Scaling group name'),
          platform: z.enum(['windows', 'linux']).optional(),
          hostname: z
            .string()
            .regex(HOSTNAME, 'must be a host name: one DNS label of at most 63 letters, digits, hyphens')
            .optional(),
          /**
           * Issue 11: the host was InService before the world starts, joined (domain-joined fleets), its account in
           * the directory and in its fleet's hostGroup, its container instance registered, and gmsa-ready has no
           * record of it: the reconciler's sweep must adopt it. A `terminate` of it later is a normal scale-in.
           */
          running: z.boolean().default(false),
          /** The host reports this name (SSM ComputerName) while its join creates the account of its real hostname. */
          reportsComputerName: z
            .string()
            .regex(patterns.netbiosName, 'must be a host name of at most 15 letters, digits, hyphens')
            .optional(),
          faults: z.array(z.enum(FAULTS, { message: `must be one of ${FAULTS.join(', ')}` })).default([]),
          /**
           * What a `join-fails` join prints as its error output (issue 15): a real tool's text, to see how
           * gmsa-ready classifies it. Any characters (the shell strips and redacts what it keeps), bounded.
           */
          joinError: z
            .string()
            .min(1, 'must not be empty')
            .max(JOIN_ERROR_MAX, `must be at most ${JOIN_ERROR_MAX} characters`)
            .optional(),
        }),
      )
      .default([]),
    scenario: z.array(stepSchema).default([]),
    chaos: chaosSchema.optional(),
    misconfigurations: z
      .array(
        z.strictObject({
          kind: z.enum(MISCONFIGURATIONS, { message: `must be one of ${MISCONFIGURATIONS.join(', ')}` }),
          fleet: z.string().regex(patterns.fleetName, 'must be a fleet name').optional(),
          arn: z.string().optional(),
        }),
      )
      .default([]),
  })
  .transform((world, ctx) => {
    const config = configSchema.safeParse({ fleets: world.fleets });
    if (!config.success) {
      for (const issue of config.error.issues) ctx.addIssue({ ...issue, code: 'custom' });
      return z.NEVER;
    }
    const { fleets } = config.data;
    const asgs = new Set(fleets.flatMap((f) => f.autoScalingGroups));
    const ids = new Set<string>();
    let valid = true;
    const problem = (path: (string | number)[], message: string) => {
      valid = false;
      ctx.addIssue({ code: 'custom', path, message });
    };
    world.instances.forEach((instance, i) => {
      if (ids.has(instance.instanceId)) problem(['instances', i, 'instanceId'], 'is listed twice');
      ids.add(instance.instanceId);
      if (instance.joinError !== undefined && !instance.faults.includes('join-fails'))
        problem(['instances', i, 'joinError'], 'needs the join-fails fault: only a failing join prints it');
      if (!asgs.has(instance.autoScalingGroupName))
        problem(
          ['instances', i, 'autoScalingGroupName'],
          `no fleet owns Auto Scaling group '${instance.autoScalingGroupName}'`,
        );
    });
    const running = new Set(world.instances.filter((instance) => instance.running).map((i) => i.instanceId));
    world.scenario.forEach((step, i) => {
      for (const action of ['launch', 'terminate', 'kill', 'toWarmPool'] as const)
        step[action]?.forEach((id, j) => {
          if (!ids.has(id)) problem(['scenario', i, action, j], `instance ${id} is not in instances`);
          else if (action === 'launch' && running.has(id))
            problem(
              ['scenario', i, action, j],
              `instance ${id} is already running (instances[].running): it cannot launch`,
            );
        });
    });
    world.misconfigurations.forEach((m, i) => {
      for (const [path, message] of misconfigurationProblems(m, fleets, world.directory.groups))
        problem(['misconfigurations', i, path], message);
    });
    const secrets = Array.isArray(world.secrets) ? world.secrets : Object.keys(world.secrets);
    const secretValues = Array.isArray(world.secrets) ? {} : world.secrets;
    const groups = { ...world.directory.groups };
    for (const [group, count] of Object.entries(world.directory.generatedMembers))
      groups[group] = [...(groups[group] ?? []), ...generatedNames(count)];
    const directory = { ...world.directory, groups };
    return valid ? { ...world, directory, fleets, secrets, secretValues } : z.NEVER;
  });

/** MEMBER00001$ .. the count: the computers `directory.generatedMembers` puts in a group. */
function generatedNames(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `MEMBER${String(i + 1).padStart(5, '0')}$`);
}

export type World = z.output<typeof worldSchema>;
export type Misconfiguration = World['misconfigurations'][number];

/** What makes a misconfiguration meaningless in this world, as [field, message] pairs. */
function misconfigurationProblems(
  m: { kind: MisconfigurationKind; fleet?: string; arn?: string },
  fleets: Fleet[],
  groups: Record<string, string[]>,
): [string, string][] {
  if (m.kind === 'credspec-unreadable') {
    if (m.fleet !== undefined) return [['fleet', 'does not apply to credspec-unreadable: the arn names the spec']];
    if (m.arn === undefined)
      return [['arn', 'is required for credspec-unreadable: the credential spec ARN to make unreadable']];
    if (!fleets.some((f) => f.credentialSpecs.includes(m.arn as string)))
      return [['arn', `is not among any fleet's credentialSpecs: '${m.arn}'`]];
    return [];
  }
  if (m.arn !== undefined) return [['arn', `applies to credspec-unreadable only, not ${m.kind}`]];
  if (!FLEET_KINDS.has(m.kind))
    return m.fleet === undefined ? [] : [['fleet', `does not apply to ${m.kind}: the KDS root key is the domain's`]];
  const named = m.fleet === undefined ? fleets : fleets.filter((f) => f.name === m.fleet);
  if (named.length === 0) return [['fleet', `no fleet is named '${m.fleet}'`]];
  const problems: [string, string][] = [];
  for (const fleet of named) {
    if ((m.kind === 'management-host-offline' || m.kind === 'ad-module-missing') && !fleet.managementInstanceId)
      problems.push(['fleet', `fleet '${fleet.name}' has no managementInstanceId for ${m.kind} to act on`]);
    if (m.kind.startsWith('host-group') && !fleet.hostGroup)
      problems.push(['fleet', `fleet '${fleet.name}' has no hostGroup for ${m.kind} to act on`]);
    const listed = Object.keys(groups).find((g) => g.toUpperCase() === fleet.hostGroup?.toUpperCase());
    if (m.kind === 'host-group-missing' && listed)
      problems.push(['kind', `host-group-missing removes '${listed}', which directory.groups lists: drop one of them`]);
  }
  return problems;
}
export type WorldInstance = World['instances'][number];
export type ScenarioStep = World['scenario'][number];
export type Chaos = NonNullable<World['chaos']>;

export function parseWorld(value: unknown, source = 'world'): World {
  const result = worldSchema.safeParse(value);
  if (!result.success) throw new WorldError(`${source} is invalid: ${describeIssues(result.error)}`);
  return result.data;
}

export function loadWorldFile(path: string): World {
  return parseWorld(
    readInputJson(path, 'world file', (m) => new WorldError(m)),
    path,
  );
}
