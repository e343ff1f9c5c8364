// The launch workflow: agent → join → identify → resolve → authorize → refresh → verify → ready → complete.
// Each step is entered once, acts, and moves on when a signal proves it done; a step that fails for
// good undoes the group change and completes the action with the fleet's onLaunchFailure.
import { patterns } from '../config/patterns';
import type { Fleet } from '../config/schema';
import { classifyFailure, type Failure, knownFailure } from '../failures/classify';
import { follow, groupChangeEffect, request } from './commands';
import type { Decision } from './context';
import { identityFor } from './group-output';
import { heldByLive, identityRefusal } from './identity';
import { type JoinedName, joinedBefore, joinedName, printable } from './names';
import { AGENT_SIGNALS, COMMAND_SIGNALS, COMPLETE_SIGNALS, consumes, plan, type Table } from './table';
import { cleanupBackoff, delayToGrid, POLL_SECONDS, STEP_DEADLINE, spreadDelay } from './timing';
import type { ContainerInstanceView, Signal, Step } from './types';

/** Findings that say "not now" rather than "broken": verify looks again instead of failing the host. */
const TRANSIENT_FINDINGS = new Set(['throttled', 'unavailable']);

/** A step that fails for good (or passes its deadline) undoes the group change if one was requested, then completes. */
const FAILURE_EXITS = [
  { to: 'undo', when: 'fails, membership requested' },
  { to: 'complete', when: 'fails' },
] as const;

/**
 * Launch as a table (h11's `_state.py` style): for each step, the signals it consumes besides ticks, the
 * step that follows when it succeeds, its deadline, and its named handlers. The plan is the chain of `next`
 * from `agent`; `undo` sits off the plan, reached only by a failure. docs/state-machine.md is drawn from it.
 */
export const LAUNCH = {
  agent: {
    consumes: AGENT_SIGNALS,
    next: 'join',
    deadline: STEP_DEADLINE.agent,
    act: awaitAgent,
    on: onAgent,
    exits: FAILURE_EXITS,
  },
  join: {
    consumes: COMMAND_SIGNALS,
    next: 'identify',
    deadline: STEP_DEADLINE.join,
    act: sendJoin,
    on: onCommand,
    exits: FAILURE_EXITS,
  },
  identify: {
    consumes: AGENT_SIGNALS,
    next: 'resolve',
    deadline: STEP_DEADLINE.identify,
    act: describeAgent,
    on: onIdentify,
    exits: FAILURE_EXITS,
  },
  /** Read-only: the directory's account is checked (issue 13) before anything is added to any group. */
  resolve: {
    consumes: [...COMMAND_SIGNALS, 'identityClaim', 'failed:claimIdentity'],
    next: 'authorize',
    deadline: STEP_DEADLINE.resolve,
    act: enqueueResolve,
    on: onResolve,
    exits: FAILURE_EXITS,
  },
  authorize: {
    consumes: COMMAND_SIGNALS,
    next: 'refresh',
    deadline: STEP_DEADLINE.authorize,
    act: enqueueAuthorize,
    on: onCommand,
    exits: FAILURE_EXITS,
  },
  refresh: {
    consumes: COMMAND_SIGNALS,
    next: 'verify',
    deadline: STEP_DEADLINE.refresh,
    act: sendRefresh,
    on: onCommand,
    exits: FAILURE_EXITS,
  },
  verify: {
    consumes: ['inspected', 'failed:inspect'],
    next: 'ready',
    deadline: STEP_DEADLINE.verify,
    act: inspect,
    on: onVerify,
    exits: FAILURE_EXITS,
  },
  ready: {
    consumes: ['done:putReadyAttribute', 'failed:putReadyAttribute'],
    next: 'complete',
    deadline: STEP_DEADLINE.ready,
    act: putReadyAttribute,
    on: onReady,
    exits: FAILURE_EXITS,
  },
  complete: {
    consumes: COMPLETE_SIGNALS,
    next: 'done',
    deadline: STEP_DEADLINE.complete,
    act: completeAction,
    on: onComplete,
    exits: [
      { to: 'done', status: 'READY', when: 'completed CONTINUE (or found already finished)' },
      { to: 'done', status: 'WARMED', when: 'completed, into the warm pool' },
      { to: 'done', status: 'FAILED', when: 'a failed launch completed' },
      { to: 'deauthorize', status: 'CLEANUP_PENDING', when: 'failed with CONTINUE, membership still to remove' },
    ],
  },
  undo: {
    consumes: COMMAND_SIGNALS,
    next: 'complete',
    deadline: STEP_DEADLINE.undo,
    act: enqueueUndo,
    on: onUndo,
    exits: [],
  },
} as const satisfies Table<LaunchStep>;

/** The steps of a launch (the rows above). */
export type LaunchStep = Exclude<Step, 'drain' | 'deauthorize' | 'done'>;

const FIRST: LaunchStep = 'agent';

/** The launch in one line: agent → join → identify → resolve → authorize → refresh → verify → ready → complete. */
export const PLAN: LaunchStep[] = plan(LAUNCH, FIRST);

/** True when this launch only prepares the host for a warm pool: it will not serve until it launches again. */
export function toWarmPool(d: Decision): boolean {
  return d.record.lifecycle?.destination === 'WarmPool';
}

/** Steps with nothing to do: domainless hosts need no directory steps, warm-pool launches don't serve yet, and a host from the pool keeps its join and membership. */
function skipped(d: Decision, step: Step): boolean {
  const { record, fleet } = d;
  if (step === 'verify' || step === 'ready') return toWarmPool(d);
  if (step === 'complete') return false;
  if (fleet.mode === 'domainless') return true;
  if (step === 'join') return record.joined;
  if (step === 'identify') return record.computerName !== undefined;
  // Proven once per generation; a host already in the group (back from the warm pool) keeps its proof.
  if (step === 'resolve') return record.identity !== undefined || record.inGroup;
  if (step === 'authorize') return record.inGroup;
  if (step === 'refresh') return toWarmPool(d);
  return false;
}

/** A launch lifecycle action begins (fresh, or a host leaving its warm pool): into the first step with work. */
export function startLaunch(d: Decision, detail: string): void {
  d.moveTo({ status: 'LAUNCHING', step: nextStep(d, undefined), reason: null }, detail);
  d.metric('LaunchStarted', 1);
  act(d);
}

/** Moves to the first step after `from` (in PLAN) that still has work, and starts it. */
export function advance(d: Decision, from: LaunchStep, detail: string): void {
  moveOn(d, nextStep(d, from), detail);
}

function nextStep(d: Decision, from: LaunchStep | undefined): LaunchStep {
  const start = from === undefined ? 0 : PLAN.indexOf(from) + 1;
  return PLAN.slice(start).find((step) => !skipped(d, step)) ?? 'complete';
}

function moveOn(d: Decision, step: LaunchStep, detail: string, reason?: string | null): void {
  d.moveTo({ status: 'LAUNCHING', step, reason }, detail);
  act(d);
}

/** Performs the current step's action (on entry, and again on retries). */
export function act(d: Decision): void {
  const step = d.record.step;
  if (step in LAUNCH) LAUNCH[step as LaunchStep].act(d);
}

// ---------------------------------------------------------------- what each step does

/**
 * The agent step's first look waits for the next poll on the grid: an agent is not online the moment its
 * host boots, and a look from the wake function shares its call with the other hosts waiting
 * (lib/engine/coalesce.ts), where one from the lifecycle function would go alone. Identify looks at once:
 * its join just reported success, so the name is usually there.
 */
function awaitAgent(d: Decision): void {
  d.pollIn(agentPollDelay(d));
}

export function describeAgent(d: Decision): void {
  d.emit({ type: 'describeAgent', instanceId: d.record.instanceId });
  d.pollIn(agentPollDelay(d));
}

function agentPollDelay(d: Decision): number {
  return delayToGrid(d.at, d.record.step === 'agent' ? POLL_SECONDS.agent : POLL_SECONDS.identify);
}

function sendJoin(d: Decision): void {
  const { record, fleet } = d;
  const selfManaged = fleet.directory.type === 'self-managed';
  const effect = {
    type: 'sendCommand',
    purpose: 'join',
    platform: record.platform,
    instanceId: record.instanceId,
    parameters: joinParameters(fleet.directory),
    // A self-managed Windows join reboots (exit 3010) and completes after the reboot.
    timeoutSeconds: selfManaged ? 1200 : 600,
    ...(selfManaged ? { selfManagedJoin: true as const } : {}),
  } as const;
  request(d, 'join', record.instanceId, effect);
}

/**
 * AWS-JoinDirectoryServiceDomain's parameters, or those of the project's join document for a self-managed
 * directory, which reads the credential on the host: only the secret's ARN travels.
 */
function joinParameters(directory: Fleet['directory']): Record<string, string[]> {
  if (directory.type === 'self-managed')
    return {
      DomainName: [directory.name],
      OuPath: [directory.ou ?? ''],
      DnsIpAddresses: [(directory.dnsIpAddresses ?? []).join(',')],
      SecretArn: [directory.joinCredentialSecretArn],
    };
  const parameters: Record<string, string[]> = { directoryId: [directory.id], directoryName: [directory.name] };
  if (directory.ou) parameters.directoryOU = [directory.ou];
  if (directory.dnsIpAddresses) parameters.dnsIpAddresses = [...directory.dnsIpAddresses];
  return parameters;
}

export function enqueueResolve(d: Decision): void {
  request(d, 'resolve', d.fleet.managementInstanceId ?? '', groupChangeEffect(d, 'resolve', 'resolve'));
}

function enqueueAuthorize(d: Decision): void {
  d.record.inGroup = true; // from the request on: a later undo or deauthorize must remove it
  request(d, 'authorize', d.fleet.managementInstanceId ?? '', groupChangeEffect(d, 'add', 'authorize'));
}

function enqueueUndo(d: Decision): void {
  request(d, 'undo', d.fleet.managementInstanceId ?? '', groupChangeEffect(d, 'remove', 'undo'));
}

function sendRefresh(d: Decision): void {
  const { record, fleet } = d;
  const id = record.instanceId;
  const parameters: Record<string, string[]> =
    record.platform === 'windows' ? { RestartEcsAgent: ['false'] } : { DomainName: [fleet.directory.name] };
  request(d, 'refresh', id, {
    type: 'sendCommand',
    purpose: 'refresh',
    platform: record.platform,
    instanceId: id,
    parameters,
    timeoutSeconds: 600,
  });
}

export function inspect(d: Decision): void {
  const { record, fleet } = d;
  d.emit({
    type: 'inspect',
    cluster: fleet.cluster,
    instanceId: record.instanceId,
    credentialSpecs: [...fleet.credentialSpecs],
    directoryName: fleet.directory.name,
    platform: record.platform,
    mode: record.mode,
    discover: fleet.discoverCredentialSpecs,
    discoveryLocations: fleet.discoveredSpecLocations,
    taskExecutionRoleArn: fleet.taskExecutionRoleArn,
  });
  d.checkAt(POLL_SECONDS.verify * 3); // the answer feeds straight back; this only covers a lost invocation
}

export function putReadyAttribute(d: Decision): void {
  const { record, fleet } = d;
  d.emit({
    type: 'putReadyAttribute',
    cluster: fleet.cluster,
    containerInstanceArn: record.containerInstanceArn ?? '',
    name: fleet.readyAttribute,
  });
  d.checkAt(POLL_SECONDS.retry);
}

function completeAction(d: Decision): void {
  const { record, fleet } = d;
  const lifecycle = record.lifecycle;
  if (!lifecycle) return finish(d, undefined);
  if (lifecycle.result) return finish(d, lifecycle.result); // already finished (expired): nothing to complete
  const result = record.failedStep ? fleet.onLaunchFailure : 'CONTINUE';
  d.emit({
    type: 'completeLifecycleAction',
    autoScalingGroupName: lifecycle.autoScalingGroupName,
    hookName: lifecycle.hookName,
    token: lifecycle.token,
    instanceId: record.instanceId,
    result,
  });
  d.checkAt(POLL_SECONDS.retry);
}

// ---------------------------------------------------------------- failing and finishing

/**
 * A launch step failed for good: record why (classified from what the command printed, `evidence`, and the
 * message), undo the group change, complete with onLaunchFailure.
 */
export function failLaunch(d: Decision, message: string, evidence?: string): void {
  const { record, fleet } = d;
  const text = evidence ? `${evidence}\n${message}` : message;
  abandonStep(d, {
    message,
    failure: classifyFailure(record.step, text),
    logged: true,
    undo: `failed: ${message}; removing ${record.computerName}$ from ${fleet.hostGroup} again`,
    complete: `failed: ${message}`,
  });
}

/** The lifecycle action expired under a step still in flight: the same way out as a failure, without the error log. */
export function expireLaunch(d: Decision): void {
  abandonStep(d, {
    message: 'lifecycle action expired',
    failure: knownFailure(d.record.step, 'lifecycle-action-expired', 'lifecycle action expired'),
    logged: false,
    undo: 'removing the group membership of an expired launch',
    complete: 'expired',
  });
}

interface WayOut {
  message: string;
  failure: Failure;
  /** Logged as an error (a failure), or not (an expiry, already noted). */
  logged: boolean;
  /** History details for the two exits. */
  undo: string;
  complete: string;
}

/** Leaves the current step as failed (FAILURE_EXITS): undo the membership if one was requested, else complete. */
function abandonStep(d: Decision, out: WayOut): void {
  const { record } = d;
  const step = record.step;
  record.failedStep = step;
  record.failure = out.failure;
  keepOpenJoin(d);
  d.metric('StepFailed', 1, step);
  const { code, message } = out.failure;
  if (out.logged)
    d.log('error', `launch failed at ${step}: ${out.message}`, {
      reason: out.message,
      failureCode: code,
      failure: message,
    });
  // The reason (status, the status page, the instance's tag) leads with the documented code (issue 15).
  const reason = `${step}: ${code}: ${message}`;
  if (record.inGroup && record.computerName) moveOn(d, 'undo', out.undo, reason);
  else moveOn(d, 'complete', out.complete, reason);
}

/** A join still running when the launch gives up may yet create an account: cleanup must follow it. */
export function keepOpenJoin(d: Decision): void {
  if (d.record.pending?.purpose === 'join') d.record.openJoin = d.record.pending;
}

/** The launch action is finished (by us, or already by Auto Scaling when `result` is EXPIRED). */
function finish(d: Decision, result: 'CONTINUE' | 'ABANDON' | 'EXPIRED' | undefined): void {
  const { record, at } = d;
  if (record.lifecycle && result) {
    record.lifecycle.result = result;
    record.lifecycle.completedAt = at;
  }
  record.nextCheckAt = undefined;
  const detail =
    result === 'EXPIRED'
      ? 'lifecycle action was already finished'
      : `lifecycle action completed ${result ?? ''}`.trim();
  if (record.failedStep) return finishFailed(d, result, detail);
  if (toWarmPool(d)) return d.moveTo({ status: 'WARMED', step: 'done', reason: null }, detail);
  finishReady(d, detail);
}

function finishReady(d: Decision, detail: string): void {
  const { record, fleet, at } = d;
  record.readyAt = at;
  d.moveTo({ status: 'READY', step: 'done', reason: null }, detail);
  d.metric('LaunchReady', 1);
  d.metric('TimeToReady', Math.max(0, at - (record.launchStartedAt ?? at)));
  d.log('info', `host ready in fleet ${fleet.name}`, { computerName: record.computerName });
}

function finishFailed(d: Decision, result: 'CONTINUE' | 'ABANDON' | 'EXPIRED' | undefined, detail: string): void {
  const { record } = d;
  if (record.inGroup && result === 'CONTINUE') {
    // The record passes through 'done' (its history says the action completed) before cleanup takes over.
    d.moveTo({ status: 'LAUNCHING', step: 'done' }, detail);
    d.metric('LaunchFailed', 1);
    return keepRemovingMembership(d);
  }
  d.moveTo({ status: 'FAILED', step: 'done' }, detail);
  d.metric('LaunchFailed', 1);
}

/** The undo failed but the host stays in service (CONTINUE): the membership removal is retried with backoff. */
function keepRemovingMembership(d: Decision): void {
  const { record } = d;
  record.cleanupAttempts += 1;
  record.cleanupSince = d.at;
  d.moveTo(
    { status: 'CLEANUP_PENDING', step: 'deauthorize' },
    `membership of ${record.computerName}$ still to remove; the host stays in service`,
  );
  d.checkAt(cleanupBackoff(record.cleanupAttempts));
}

// ---------------------------------------------------------------- signals, by step

/** Everything that can happen to a record in status LAUNCHING, apart from lifecycle events. */
export function onLaunchSignal(d: Decision, signal: Signal): void {
  const step = d.record.step;
  if (!(step in LAUNCH)) return;
  const row = LAUNCH[step as LaunchStep];
  if (signal.type === 'tick' && d.elapsedInStep() > row.deadline) return onDeadline(d, step as LaunchStep);
  if (consumes(row, signal)) row.on(d, signal);
}

/** A step ran past its deadline: undo and complete give up on their own terms, every other step fails. */
function onDeadline(d: Decision, step: LaunchStep): void {
  const { record } = d;
  if (step === 'undo') return advanceAfterUndo(d, 'undo did not finish in time');
  if (step === 'complete') return finish(d, 'EXPIRED');
  const waiting = record.reason?.startsWith('waiting:') ? record.reason.slice(9) : undefined;
  failLaunch(d, waiting ?? `no result within ${LAUNCH[step].deadline / 60} minutes`);
}

function onUndo(d: Decision, signal: Signal): void {
  const { record } = d;
  const outcome = follow(d, signal, () => act(d));
  if (outcome.kind === 'success') {
    record.inGroup = false;
    return advanceAfterUndo(d, `${record.computerName}$ removed from ${d.fleet.hostGroup}`);
  }
  if (outcome.kind === 'failure') return advanceAfterUndo(d, `undo failed: ${outcome.message}`);
  if (signal.type === 'tick' && !record.pending) act(d);
}

function onReady(d: Decision, signal: Signal): void {
  const { record } = d;
  if (signal.type === 'done' && signal.effect === 'putReadyAttribute') {
    record.ready = true;
    return advance(d, 'ready', `${d.fleet.readyAttribute}=true on ${record.containerInstanceArn}`);
  }
  if (signal.type === 'failed' && signal.effect === 'putReadyAttribute') {
    if (signal.kind === 'retryable') return d.wakeIn(POLL_SECONDS.retry);
    return failLaunch(d, `PutAttributes: ${signal.message}`);
  }
  if (signal.type === 'tick') act(d);
}

function onComplete(d: Decision, signal: Signal): void {
  const { record } = d;
  if (signal.type === 'done' && signal.effect === 'completeLifecycleAction') {
    return finish(d, record.failedStep ? d.fleet.onLaunchFailure : 'CONTINUE');
  }
  if (signal.type === 'actionGone' && signal.effect === 'completeLifecycleAction') return finish(d, 'EXPIRED');
  if (signal.type === 'failed' && signal.effect === 'completeLifecycleAction') {
    if (signal.kind === 'retryable') return d.wakeIn(spreadDelay(d.record.instanceId, d.at, POLL_SECONDS.retry));
    d.log('error', `CompleteLifecycleAction refused: ${signal.message}`);
    return finish(d, 'EXPIRED');
  }
  if (signal.type === 'tick') act(d);
}

function advanceAfterUndo(d: Decision, detail: string): void {
  moveOn(d, 'complete', detail);
}

/** The agent step's and the identify step's shared start: ticks poll, failures retry, offline waits. */
function agentReport(d: Decision, signal: Signal): Extract<Signal, { type: 'agent' }> | undefined {
  const { record, fleet } = d;
  if (signal.type === 'tick') {
    describeAgent(d);
    return undefined;
  }
  if (signal.type === 'failed' && signal.effect === 'describeAgent') {
    d.wakeIn(delayToGrid(d.at, POLL_SECONDS.retry)); // a shared call failed for all its hosts: retry them together
    return undefined;
  }
  if (signal.type !== 'agent') return undefined;
  if (!signal.online) {
    record.reason = 'waiting: SSM agent not online';
    return undefined;
  }
  const expected = fleet.platform === 'windows' ? 'Windows' : 'Linux';
  if (signal.platformType && signal.platformType !== expected) {
    failLaunch(d, `SSM reports platform ${signal.platformType}, fleet ${fleet.name} is ${fleet.platform}`);
    return undefined;
  }
  return signal;
}

function onAgent(d: Decision, signal: Signal): void {
  const { record, fleet } = d;
  const report = agentReport(d, signal);
  if (!report) return;
  const name = joinedName(report.computerName, fleet.directory.name);
  record.reason = null;
  const netbios = (report.computerName ?? '').split('.')[0]?.toUpperCase() ?? '';
  if (record.platform === 'windows' && patterns.netbiosName.test(netbios)) record.expectedComputerName = netbios;
  if (name.inDomain && !record.joined && joinedBefore(name, record.platform)) {
    record.joined = true;
    d.note(`already joined to ${fleet.directory.name} as ${printable(report.computerName)}`);
    if (!record.computerName && !adoptName(d, name)) return;
    record.hostFqdn ??= joinedFqdn(report.computerName);
  }
  advance(d, 'agent', `SSM agent online (${report.platformType ?? 'unknown platform'})`);
}

/**
 * The name the join produced, once SSM reports the domain suffix. SSM refreshes ComputerName lazily, and a
 * Linux FQDN may carry the domain from DHCP before any join: wait for the name the join gives
 * (joinedBefore), or the account recorded would be another machine's.
 */
function onIdentify(d: Decision, signal: Signal): void {
  const { record, fleet } = d;
  const report = agentReport(d, signal);
  if (!report) return;
  const name = joinedName(report.computerName, fleet.directory.name);
  if (!joinedBefore(name, record.platform)) {
    record.reason = `waiting: SSM still reports computer name '${printable(report.computerName)}', not a name ${fleet.directory.name} gave`;
    return;
  }
  if (!adoptName(d, name)) return;
  record.hostFqdn = joinedFqdn(report.computerName);
  record.reason = null;
  advance(d, 'identify', `computer account ${record.computerName}$`);
}

/** The FQDN SSM reports, lower-cased, when it is a DNS name at all: what the account's dNSHostName must say. */
export function joinedFqdn(computerName: string | undefined): string | undefined {
  const fqdn = (computerName ?? '').toLowerCase();
  return patterns.dnsName.test(fqdn) ? fqdn : undefined;
}

/**
 * The resolve's answer: the account's identity is checked against this launch (issue 13) and then claimed
 * in the store, so no two records act on one object. Any refusal fails the launch before anything is added.
 */
function onResolve(d: Decision, signal: Signal): void {
  const { record, fleet } = d;
  const account = `${record.computerName}$`;
  if (signal.type === 'identityClaim') return onClaim(d, signal);
  if (signal.type === 'failed' && signal.effect === 'claimIdentity') {
    d.note(`claiming the identity of ${account} failed (${signal.message}); resolving again`);
    return d.wakeIn(POLL_SECONDS.retry);
  }
  const outcome = follow(d, signal, () => act(d));
  if (outcome.kind === 'failure') return failLaunch(d, `resolving ${account}: ${outcome.message}`, outcome.evidence);
  if (outcome.kind === 'waiting') {
    if (signal.type === 'tick' && !record.pending) act(d);
    return;
  }
  const line = signal.type === 'commandStatus' ? identityFor(signal.output, account) : undefined;
  if (!line) return failLaunch(d, `the resolve printed no identity for ${account}`);
  if (!line.ok) return failLaunch(d, `account ${account}: ${line.message}`);
  const refusal = identityRefusal(line.identity, {
    computerAccount: account,
    launchedAt: record.launchStartedAt ?? record.createdAt,
    hostFqdn: record.hostFqdn,
    ou: fleet.directory.ou,
  });
  if (refusal) return failLaunch(d, refusal);
  record.pending = undefined; // the command is done; a lost claim answer resolves again on the next tick
  d.emit({ type: 'claimIdentity', identity: line.identity });
}

/** The store's answer to the claim: ours, held by a live record (refused), or left by a finished one (take over). */
function onClaim(d: Decision, signal: Extract<Signal, { type: 'identityClaim' }>): void {
  const { record } = d;
  const { identity, holder } = signal;
  if (record.identity || record.pending) return; // a late answer: resolve already moved on or was asked again
  const who = `account ${identity.sAMAccountName} (${identity.objectSid})`;
  if (!holder) {
    record.identity = identity;
    const created = new Date(identity.whenCreated * 1000).toISOString();
    return advance(d, 'resolve', `${who} created ${created} as ${identity.distinguishedName}`);
  }
  if (heldByLive(holder, identity.objectSid))
    return failLaunch(d, `${who} is held by another live record, ${holder.instanceId} (${holder.status})`);
  d.note(`${who} was last held by ${holder.instanceId} (${holder.status ?? 'no record'}); taking it over`);
  d.emit({ type: 'claimIdentity', identity, replacing: holder.instanceId });
}
/** Stores the NetBIOS name; a name AD cannot hold fails the launch. Returns false when it failed. */
function adoptName(d: Decision, name: JoinedName): boolean {
  if (!name.inDomain) return false;
  if (!name.valid) {
    failLaunch(
      d,
      `computer name '${printable(name.netbios)}' is not a valid NetBIOS name (15 characters, letters, digits, hyphens)`,
    );
    return false;
  }
  d.record.computerName = name.netbios;
  return true;
}

function onCommand(d: Decision, signal: Signal): void {
  const { record } = d;
  const step = record.step;
  const outcome = follow(d, signal, () => act(d));
  if (outcome.kind === 'failure') return failLaunch(d, outcome.message, outcome.evidence);
  if (outcome.kind === 'success') {
    if (step === 'join') record.joined = true;
    return advance(d, step as LaunchStep, commandDone(d, step));
  }
  if (signal.type === 'tick' && !record.pending) act(d);
}

/** What a command step's success means, for the record's history. */
function commandDone(d: Decision, step: Step): string {
  if (step === 'join') return `joined ${d.fleet.directory.name}`;
  if (step === 'authorize') return `${d.record.computerName}$ added to ${d.fleet.hostGroup}`;
  return 'tickets purged / agents restarted';
}

function onVerify(d: Decision, signal: Signal): void {
  const { record } = d;
  if (signal.type === 'tick') return act(d);
  const verdict = verification(d, signal);
  if (verdict?.kind === 'failed') return failLaunch(d, verdict.message);
  if (verdict?.kind !== 'serving') return;
  record.containerInstanceArn = verdict.arn;
  record.reason = null;
  advance(d, 'verify', verdict.detail);
}

export type Verification =
  | { kind: 'failed'; message: string }
  | { kind: 'serving'; arn: string; detail: string }
  /** Not yet: the record's reason says what it waits for, a wake is asked. */
  | { kind: 'waiting' };

/** Hosts that wait in verify look again on a grid, so one wake batch finds them together: one listing serves them. */
function verifyDelay(d: Decision): number {
  return delayToGrid(d.at, POLL_SECONDS.verify);
}

/**
 * What an inspect's answer (or its failure) says, shared by launch and adoption: a credential spec broken for
 * good or an inspect refused fails; a transient finding or an unready container instance waits.
 */
export function verification(d: Decision, signal: Signal): Verification | undefined {
  const { record, fleet } = d;
  if (signal.type === 'failed' && signal.effect === 'inspect') {
    if (signal.kind === 'retryable' || signal.kind === 'gone') {
      d.wakeIn(verifyDelay(d));
      return { kind: 'waiting' };
    }
    return { kind: 'failed', message: `cannot inspect the host: ${signal.message}` };
  }
  if (signal.type !== 'inspected') return undefined;
  for (const check of signal.credentialSpecs) {
    const errors = check.findings.filter((f) => f.severity === 'error');
    const hard = errors.find((f) => !TRANSIENT_FINDINGS.has(f.code));
    if (hard)
      return {
        kind: 'failed',
        message: `credential spec ${check.source}: ${hard.message} (${hard.code} at ${hard.path})`,
      };
    if (errors.length > 0) {
      record.reason = `waiting: credential spec ${check.source} could not be read for now (${errors[0]?.code})`;
      d.wakeIn(verifyDelay(d));
      return { kind: 'waiting' };
    }
  }
  const capability = fleet.mode === 'domainless' ? 'ecs.capability.gmsa-domainless' : 'ecs.capability.gmsa';
  const ci = signal.containerInstance;
  const waiting = notServing(d, ci, capability);
  if (waiting || !ci) {
    record.reason = `waiting: ${waiting}`;
    d.wakeIn(verifyDelay(d));
    return { kind: 'waiting' };
  }
  return {
    kind: 'serving',
    arn: ci.arn,
    detail: `credential specs valid (${signal.credentialSpecs.length}); ${capability} on ${ci.arn}`,
  };
}

/** Why the container instance cannot take gMSA tasks yet, or undefined when it can. */
function notServing(d: Decision, ci: ContainerInstanceView | undefined, capability: string): string | undefined {
  if (!ci) return `no ECS container instance registered in cluster ${d.fleet.cluster}`;
  if (ci.status !== 'ACTIVE') return `container instance is ${ci.status}`;
  if (!ci.agentConnected) return 'ECS agent not connected';
  if (!ci.attributes.includes(capability)) return `ECS agent does not advertise ${capability}`;
  return undefined;
}
