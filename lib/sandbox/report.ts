// The sandbox report: what the store says about each host (status, reason, history) next to what the
// simulated account saw happen (lifecycle results, directory, ECS, commands). Disagreements show.
import type { Store } from '../engine/ports';
import { lastScavenge } from '../engine/scavenge';
import { classifyFailure, type ExplainedFailure, explain } from '../failures/classify';
import type { HostRecord } from '../workflow/types';
import type { FunctionName, InvocationStats } from './functions';
import type { Denial } from './iam';
import { checkInvariants, type InvariantsReport } from './invariants';
import type { Account } from './model/account';
import type { DirectorySnapshot } from './model/directory';
import type { SimInstance } from './model/types';
import type { QuotasReport } from './quotas';
import type { Scheduler } from './scheduler';

/** Something the sandbox refused or that failed for good, and why. */
export interface Rejection {
  source: string;
  error: string;
}

/** What the report reads of a run: the sandbox is one (kept as an interface so the two do not import each other). */
export interface ReportSource {
  readonly account: Account;
  readonly scheduler: Scheduler;
  readonly store: Pick<Store, 'get' | 'getMarker'>;
  readonly functions: { readonly stats: Record<FunctionName, InvocationStats> };
  readonly rejected: Rejection[];
  readonly failedInvocations: Rejection[];
  readonly iam: { readonly denied: Denial[] };
  readonly seeds: { run: number; chaos?: number };
  /** The quota model (lib/sandbox/quotas.ts); absent when quotas are off. */
  readonly quotas?: { report(functions: readonly string[]): QuotasReport };
}

/** Record statuses that end a story; anything else reports the step it is stuck on. */
const SETTLED = new Set([
  'READY',
  'FAILED',
  'TERMINATED',
  'WARMED',
  'ADOPTED_NOT_JOINED',
  'ADOPTED_NOT_IN_GROUP',
  'ADOPTED_NOT_VERIFIED',
]);

export interface InstanceReport {
  instanceId: string;
  autoScalingGroupName: string;
  fleet: string | null;
  platform: string;
  computerName: string;
  /** READY / FAILED / TERMINATED (WARMED), the step name while in flight, NO_RECORD if gmsa-ready never saw it. */
  status: string;
  lifecycleResult: 'CONTINUE' | 'ABANDON' | null;
  /** Who ended the last lifecycle action: gmsa-ready, the hook's timeout, or the instance vanishing. */
  lifecycleCompletedBy: string | null;
  /** ValidationError messages Auto Scaling answered (completing a finished or replayed action). */
  lifecycleErrors: string[];
  inHostGroup: boolean;
  computerAccount: 'present' | 'absent';
  ecsReady: boolean;
  reason: string | null;
  /** Every FAILED host (only those): why, as a documented code with its remedy (issue 15, docs/troubleshooting.md). */
  failure?: ExplainedFailure;
  history: { step: string; at: number; detail: string }[];
}

export interface CommandReport {
  commandId: string;
  documentName: string;
  instanceIds: string[];
  parameters: Record<string, string[]>;
  status: string;
  requestedAt: number;
}

export interface Report {
  /**
   * Which seed ran: `run` is --seed (names, ids, tokens); `chaos` the seed the chaos block's draws used, the
   * world's pinned chaos.seed or else --seed (absent without a chaos block). Run again with the same to repeat.
   */
  seed: { run: number; chaos?: number };
  clock: { virtualSeconds: number; wallSeconds: number };
  instances: InstanceReport[];
  directory: DirectorySnapshot;
  commands: CommandReport[];
  rejected: { source: string; error: string }[];
  /** Issue 7's five invariants over what the account observed (lib/sandbox/invariants.ts). */
  invariants: InvariantsReport;
  /** API rate limits per second (lambda:* concurrent executions) and throttled responses by API; both empty when quotas are off. */
  quotas: QuotasReport;
  /** The last scavenge of each fleet that had one (issue 21): what its listing held and what was done. */
  scavenge: Record<string, ScavengeReport>;
  /** How the run went, beyond the contract's keys. */
  sandbox: {
    /** False when the virtual-time cap stopped a world that still had work in flight. */
    quiet: boolean;
    failedInvocations: { source: string; error: string }[];
    deadLetters: number;
    lambda: Record<string, { invocations: number; errors: number; busySeconds: number }>;
    awsCalls: Record<string, number>;
    /** SDK calls a function's IAM role refused (lib/sandbox/iam.ts), once per function, action and resource. */
    accessDenied: Denial[];
    chaos?: Record<string, number>;
  };
}

const LAMBDA_FUNCTIONS: readonly FunctionName[] = [
  'lifecycle',
  'command-status',
  'continue',
  'directory',
  'reconciler',
];

export interface ScavengeReport {
  /** Members listed (a partial run: the group's size as its last readable page said, 0 if none). */
  members: number;
  /** Members whose SID a gmsa-ready record holds. */
  recorded: number;
  /** Members of terminated hosts, sent back through deauthorize. */
  stale: number;
  /** Members gmsa-ready never recorded: reported, never touched. */
  unknown: number;
  /** True when the pages did not prove the whole group: nothing was changed. */
  partial: boolean;
}

async function scavengeReport(sandbox: ReportSource): Promise<Record<string, ScavengeReport>> {
  const report: Record<string, ScavengeReport> = {};
  for (const fleet of sandbox.account.world.fleets) {
    const last = await lastScavenge(sandbox.store, fleet.name);
    if (!last) continue;
    const { members, recorded, stale, unknown, partial } = last;
    report[fleet.name] = { members, recorded, stale, unknown, partial };
  }
  return report;
}

const round = (n: number) => Math.round(n * 1000) / 1000;

export async function buildReport(
  sandbox: ReportSource,
  run: { quiet: boolean; wallSeconds: number },
): Promise<Report> {
  const { account, scheduler } = sandbox;
  const hosts = [...account.instances.values()].filter((i) => !i.management && i.launchedAt !== undefined);
  const records = await Promise.all(hosts.map((host) => sandbox.store.get(host.instanceId)));
  const lambda: Report['sandbox']['lambda'] = {};
  for (const [name, stats] of Object.entries(sandbox.functions.stats))
    lambda[name] = { invocations: stats.invocations, errors: stats.errors, busySeconds: round(stats.busyMs / 1000) };
  return {
    seed: { ...sandbox.seeds },
    clock: { virtualSeconds: round(scheduler.elapsed()), wallSeconds: round(run.wallSeconds) },
    instances: hosts.map((host, i) => instanceReport(sandbox, host, records[i])),
    directory: account.directory.snapshot(),
    commands: [...account.commands.values()].map((c) => ({
      commandId: c.commandId,
      documentName: c.documentName,
      instanceIds: c.instanceIds,
      parameters: c.parameters,
      status: account.ssm.commandStatus(c),
      requestedAt: round(c.requestedAt - scheduler.startedAt),
    })),
    rejected: sandbox.rejected,
    invariants: checkInvariants(account, new Map(hosts.map((host, i) => [host.instanceId, records[i]]))),
    quotas: sandbox.quotas?.report(LAMBDA_FUNCTIONS) ?? { limits: {}, throttled: {} },

    scavenge: await scavengeReport(sandbox),
    sandbox: {
      quiet: run.quiet,
      failedInvocations: sandbox.failedInvocations,
      deadLetters: account.queues.deadLetters.wake.length + account.queues.deadLetters.directory.length,
      lambda,
      awsCalls: { ...account.calls },
      accessDenied: [...sandbox.iam.denied],
      ...(account.chaos ? { chaos: { ...account.chaos.injected } } : {}),
    },
  };
}

/** The record's classified failure; a record written before classification existed is classified from its reason. */
function failureOf(record: HostRecord): ExplainedFailure {
  const step = record.failedStep ?? record.step;
  return explain(record.failure ?? classifyFailure(step, (record.reason ?? '').replace(`${step}: `, '')));
}

function instanceReport(sandbox: ReportSource, host: SimInstance, record: HostRecord | undefined): InstanceReport {
  const { account, scheduler } = sandbox;
  const last = host.actions.filter((a) => a.result).at(-1);
  const group = host.fleet?.hostGroup;
  return {
    instanceId: host.instanceId,
    autoScalingGroupName: host.autoScalingGroupName ?? '',
    fleet: record?.fleet ?? host.fleet?.name ?? null,
    platform: host.platform,
    computerName: record?.computerName ?? host.accountName?.slice(0, -1) ?? host.hostname,
    status: !record ? 'NO_RECORD' : SETTLED.has(record.status) ? record.status : record.step,
    lifecycleResult: last?.result ?? null,
    lifecycleCompletedBy: last?.completedBy ?? null,
    lifecycleErrors: [...host.actions.flatMap((a) => a.rejected), ...host.strayRejections],
    inHostGroup: !!group && !!host.accountName && account.directory.isMember(group, host.accountName),
    computerAccount: host.accountName && account.directory.hasComputer(host.accountName) ? 'present' : 'absent',
    ecsReady: account.ecs.isReady(host),
    reason: record?.reason ?? null,
    ...(record?.status === 'FAILED' ? { failure: failureOf(record) } : {}),
    history: (record?.history ?? []).map((h) => ({
      step: h.step,
      at: round(h.at - scheduler.startedAt),
      detail: h.detail,
    })),
  };
}
