// The launch workflow: agent → join → identify → authorize → refresh → verify → ready → complete.
// Each step is entered once, acts, and moves on when a signal proves it done; a step that fails for
// good undoes the group change and completes the action with the fleet's onLaunchFailure.
import { patterns } from '../config/patterns';
import { follow, groupChangeEffect, request } from './commands';
import type { Decision } from './context';
import { type JoinedName, joinedBefore, joinedName, printable } from './names';
import { cleanupBackoff, POLL_SECONDS, STEP_DEADLINE } from './timing';
import type { Signal, Step } from './types';

/** Findings that say "not now" rather than "broken": verify looks again instead of failing the host. */
const TRANSIENT_FINDINGS = new Set(['throttled', 'unavailable']);

const PLAN: Step[] = ['agent', 'join', 'identify', 'authorize', 'refresh', 'verify', 'ready', 'complete'];

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
  if (step === 'authorize') return record.inGroup;
  if (step === 'refresh') return toWarmPool(d);
  return false;
}

/** Moves to the first step after `from` that still has work, and starts it. */
export function advance(d: Decision, from: Step | undefined, detail: string): void {
  const start = from === undefined ? 0 : PLAN.indexOf(from) + 1;
  const next = PLAN.slice(start).find((step) => !skipped(d, step)) ?? 'complete';
  d.enter(next, detail);
  act(d);
}

/** Performs the current step's action (on entry, and again on retries). */
export function act(d: Decision): void {
  const { record, fleet } = d;
  const id = record.instanceId;
  switch (record.step) {
    case 'agent':
    case 'identify':
      d.emit({ type: 'describeAgent', instanceId: id });
      d.wakeIn(record.step === 'agent' ? POLL_SECONDS.agent : POLL_SECONDS.identify);
      return;
    case 'join': {
      const { directory } = fleet;
      const parameters: Record<string, string[]> = { directoryId: [directory.id], directoryName: [directory.name] };
      if (directory.ou) parameters.directoryOU = [directory.ou];
      if (directory.dnsIpAddresses) parameters.dnsIpAddresses = [...directory.dnsIpAddresses];
      const effect = {
        type: 'sendCommand',
        purpose: 'join',
        platform: record.platform,
        instanceId: id,
        parameters,
        timeoutSeconds: 600,
      } as const;
      request(d, 'join', id, effect);
      return;
    }
    case 'authorize':
      record.inGroup = true; // from the request on: a later undo or deauthorize must remove it
      request(d, 'authorize', fleet.managementInstanceId ?? '', groupChangeEffect(d, 'add', 'authorize'));
      return;
    case 'undo':
      request(d, 'undo', fleet.managementInstanceId ?? '', groupChangeEffect(d, 'remove', 'undo'));
      return;
    case 'refresh': {
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
      return;
    }
    case 'verify':
      d.emit({
        type: 'inspect',
        cluster: fleet.cluster,
        instanceId: id,
        credentialSpecs: [...fleet.credentialSpecs],
        directoryName: fleet.directory.name,
        platform: record.platform,
        mode: record.mode,
        discover: fleet.discoverCredentialSpecs,
        taskExecutionRoleArn: fleet.taskExecutionRoleArn,
      });
      d.checkAt(POLL_SECONDS.verify * 3); // the answer feeds straight back; this only covers a lost invocation
      return;
    case 'ready':
      d.emit({
        type: 'putReadyAttribute',
        cluster: fleet.cluster,
        containerInstanceArn: record.containerInstanceArn ?? '',
        name: fleet.readyAttribute,
      });
      d.checkAt(POLL_SECONDS.retry);
      return;
    case 'complete': {
      const lifecycle = record.lifecycle;
      if (!lifecycle) return finish(d, undefined);
      if (lifecycle.result) return finish(d, lifecycle.result); // already finished (expired): nothing to complete
      const result = record.failedStep ? fleet.onLaunchFailure : 'CONTINUE';
      d.emit({
        type: 'completeLifecycleAction',
        autoScalingGroupName: lifecycle.autoScalingGroupName,
        hookName: lifecycle.hookName,
        token: lifecycle.token,
        instanceId: id,
        result,
      });
      d.checkAt(POLL_SECONDS.retry);
      return;
    }
  }
}

/** A launch step failed for good: record why, undo the group change, complete with onLaunchFailure. */
export function failLaunch(d: Decision, message: string): void {
  const { record } = d;
  const step = record.step;
  record.failedStep = step;
  keepOpenJoin(d);
  d.metric('StepFailed', 1, step);
  d.log('error', `launch failed at ${step}: ${message}`, { reason: message });
  d.setStatus('LAUNCHING', `${step}: ${message}`);
  if (record.inGroup && record.computerName) {
    d.enter('undo', `failed: ${message}; removing ${record.computerName}$ from ${d.fleet.hostGroup} again`);
  } else {
    d.enter('complete', `failed: ${message}`);
  }
  act(d);
}

/** A join still running when the launch gives up may yet create an account: cleanup must follow it. */
export function keepOpenJoin(d: Decision): void {
  if (d.record.pending?.purpose === 'join') d.record.openJoin = d.record.pending;
}

/** The launch action is finished (by us, or already by Auto Scaling when `result` is EXPIRED). */
function finish(d: Decision, result: 'CONTINUE' | 'ABANDON' | 'EXPIRED' | undefined): void {
  const { record, fleet, at } = d;
  if (record.lifecycle && result) {
    record.lifecycle.result = result;
    record.lifecycle.completedAt = at;
  }
  record.nextCheckAt = undefined;
  d.enter(
    'done',
    result === 'EXPIRED'
      ? 'lifecycle action was already finished'
      : `lifecycle action completed ${result ?? ''}`.trim(),
  );
  if (record.failedStep) {
    d.metric('LaunchFailed', 1);
    if (record.inGroup && result === 'CONTINUE') return keepRemovingMembership(d);
    d.setStatus('FAILED');
    return;
  }
  if (toWarmPool(d)) {
    d.setStatus('WARMED', null);
    return;
  }
  record.readyAt = at;
  d.setStatus('READY', null);
  d.metric('LaunchReady', 1);
  d.metric('TimeToReady', Math.max(0, at - (record.launchStartedAt ?? at)));
  d.log('info', `host ready in fleet ${fleet.name}`, { computerName: record.computerName });
}

/** The undo failed but the host stays in service (CONTINUE): the membership removal is retried with backoff. */
function keepRemovingMembership(d: Decision): void {
  const { record } = d;
  record.cleanupAttempts += 1;
  record.cleanupSince = d.at;
  d.enter('deauthorize', `membership of ${record.computerName}$ still to remove; the host stays in service`);
  d.setStatus('CLEANUP_PENDING');
  d.checkAt(cleanupBackoff(record.cleanupAttempts));
}

function deadline(step: Step): number {
  return step === 'drain' || step === 'done' ? Number.POSITIVE_INFINITY : STEP_DEADLINE[step];
}

/** Everything that can happen to a record in status LAUNCHING, apart from lifecycle events. */
export function onLaunchSignal(d: Decision, signal: Signal): void {
  const { record } = d;
  const step = record.step;
  if (signal.type === 'tick' && d.elapsedInStep() > deadline(step)) {
    if (step === 'undo') return advanceAfterUndo(d, 'undo did not finish in time');
    if (step === 'complete') return finish(d, 'EXPIRED');
    return failLaunch(
      d,
      record.reason?.startsWith('waiting:')
        ? record.reason.slice(9)
        : `no result within ${deadline(step) / 60} minutes`,
    );
  }
  switch (step) {
    case 'agent':
    case 'identify':
      return onAgent(d, signal);
    case 'join':
    case 'refresh':
    case 'authorize':
      return onCommand(d, signal);
    case 'undo': {
      const outcome = follow(d, signal, () => act(d));
      if (outcome.kind === 'success') {
        record.inGroup = false;
        return advanceAfterUndo(d, `${record.computerName}$ removed from ${d.fleet.hostGroup}`);
      }
      if (outcome.kind === 'failure') return advanceAfterUndo(d, `undo failed: ${outcome.message}`);
      if (signal.type === 'tick' && !record.pending) act(d);
      return;
    }
    case 'verify':
      return onVerify(d, signal);
    case 'ready':
      if (signal.type === 'done' && signal.effect === 'putReadyAttribute') {
        record.ready = true;
        return advance(d, 'ready', `${d.fleet.readyAttribute}=true on ${record.containerInstanceArn}`);
      }
      if (signal.type === 'failed' && signal.effect === 'putReadyAttribute') {
        if (signal.kind === 'retryable') return d.wakeIn(POLL_SECONDS.retry);
        return failLaunch(d, `PutAttributes: ${signal.message}`);
      }
      if (signal.type === 'tick') act(d);
      return;
    case 'complete':
      if (signal.type === 'done' && signal.effect === 'completeLifecycleAction') {
        return finish(d, record.failedStep ? d.fleet.onLaunchFailure : 'CONTINUE');
      }
      if (signal.type === 'actionGone' && signal.effect === 'completeLifecycleAction') return finish(d, 'EXPIRED');
      if (signal.type === 'failed' && signal.effect === 'completeLifecycleAction') {
        if (signal.kind === 'retryable') return d.wakeIn(POLL_SECONDS.retry);
        d.log('error', `CompleteLifecycleAction refused: ${signal.message}`);
        return finish(d, 'EXPIRED');
      }
      if (signal.type === 'tick') act(d);
      return;
  }
}

function advanceAfterUndo(d: Decision, detail: string): void {
  d.enter('complete', detail);
  act(d);
}

function onAgent(d: Decision, signal: Signal): void {
  const { record, fleet } = d;
  if (signal.type === 'tick') return act(d);
  if (signal.type === 'failed' && signal.effect === 'describeAgent') return d.wakeIn(POLL_SECONDS.retry);
  if (signal.type !== 'agent') return;
  if (!signal.online) {
    record.reason = 'waiting: SSM agent not online';
    return;
  }
  const expected = fleet.platform === 'windows' ? 'Windows' : 'Linux';
  if (signal.platformType && signal.platformType !== expected)
    return failLaunch(d, `SSM reports platform ${signal.platformType}, fleet ${fleet.name} is ${fleet.platform}`);
  const name = joinedName(signal.computerName, fleet.directory.name);
  if (record.step === 'agent') {
    record.reason = null;
    const netbios = (signal.computerName ?? '').split('.')[0]?.toUpperCase() ?? '';
    if (record.platform === 'windows' && patterns.netbiosName.test(netbios)) record.expectedComputerName = netbios;
    if (name.inDomain && !record.joined && joinedBefore(name, record.platform)) {
      record.joined = true;
      d.note(`already joined to ${fleet.directory.name} as ${printable(signal.computerName)}`);
      if (!record.computerName && !adoptName(d, name)) return;
    }
    return advance(d, 'agent', `SSM agent online (${signal.platformType ?? 'unknown platform'})`);
  }
  // identify: the name the join produced, once SSM reports the domain suffix.
  // SSM refreshes ComputerName lazily, and a Linux FQDN may carry the domain from DHCP before any join:
  // wait for the name the join gives (joinedBefore), or the account recorded would be another machine's.
  if (!joinedBefore(name, record.platform)) {
    record.reason = `waiting: SSM still reports computer name '${printable(signal.computerName)}', not a name ${fleet.directory.name} gave`;
    return;
  }
  if (!adoptName(d, name)) return;
  record.reason = null;
  advance(d, 'identify', `computer account ${record.computerName}$`);
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
  if (outcome.kind === 'failure') return failLaunch(d, outcome.message);
  if (outcome.kind === 'success') {
    if (step === 'join') record.joined = true;
    const detail =
      step === 'join'
        ? `joined ${d.fleet.directory.name}`
        : step === 'authorize'
          ? `${record.computerName}$ added to ${d.fleet.hostGroup}`
          : 'tickets purged / agents restarted';
    return advance(d, step, detail);
  }
  if (signal.type === 'tick' && !record.pending) act(d);
}

function onVerify(d: Decision, signal: Signal): void {
  const { record, fleet } = d;
  if (signal.type === 'tick') return act(d);
  if (signal.type === 'failed' && signal.effect === 'inspect') {
    if (signal.kind === 'retryable' || signal.kind === 'gone') return d.wakeIn(POLL_SECONDS.verify);
    return failLaunch(d, `cannot inspect the host: ${signal.message}`);
  }
  if (signal.type !== 'inspected') return;
  for (const check of signal.credentialSpecs) {
    const errors = check.findings.filter((f) => f.severity === 'error');
    const hard = errors.find((f) => !TRANSIENT_FINDINGS.has(f.code));
    if (hard) return failLaunch(d, `credential spec ${check.source}: ${hard.message} (${hard.code} at ${hard.path})`);
    if (errors.length > 0) {
      record.reason = `waiting: credential spec ${check.source} could not be read for now (${errors[0]?.code})`;
      return d.wakeIn(POLL_SECONDS.verify);
    }
  }
  const capability = fleet.mode === 'domainless' ? 'ecs.capability.gmsa-domainless' : 'ecs.capability.gmsa';
  const ci = signal.containerInstance;
  const waiting = !ci
    ? `no ECS container instance registered in cluster ${fleet.cluster}`
    : ci.status !== 'ACTIVE'
      ? `container instance is ${ci.status}`
      : !ci.agentConnected
        ? 'ECS agent not connected'
        : !ci.attributes.includes(capability)
          ? `ECS agent does not advertise ${capability}`
          : undefined;
  if (waiting || !ci) {
    record.reason = `waiting: ${waiting}`;
    return d.wakeIn(POLL_SECONDS.verify);
  }
  record.containerInstanceArn = ci.arn;
  record.reason = null;
  advance(d, 'verify', `credential specs valid (${signal.credentialSpecs.length}); ${capability} on ${ci.arn}`);
}
