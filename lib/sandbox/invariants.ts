// The five invariants of issue 7, checked after a run over what the simulated account observed (its
// journal, its directory and ECS) and what the store holds. They judge outcomes, not code paths: any
// schedule of duplicates, losses, delays, throttling and dead hosts must leave all five true.
import type { Fleet } from '../config/schema';
import type { HostRecord } from '../workflow/types';
import type { Account } from './model/account';
import { JOIN_DOCUMENT } from './model/constants';
import type { MembershipChange } from './model/journal';
import type { SimInstance, SimLifecycleAction } from './model/types';
import { timings } from './timings';

export type InvariantNumber = 1 | 2 | 3 | 4 | 5;

export interface Violation {
  invariant: InvariantNumber;
  instanceId: string;
  message: string;
}

export interface InvariantsReport {
  held: boolean;
  violations: Violation[];
}

/** What each check sees: one launched host, its fleet, its record at the end. */
interface Host {
  instance: SimInstance;
  fleet: Fleet;
  record: HostRecord | undefined;
}

type Report = (invariant: InvariantNumber, message: string) => void;

const CAPABILITY = { 'domain-joined': 'ecs.capability.gmsa', domainless: 'ecs.capability.gmsa-domainless' } as const;

export function checkInvariants(account: Account, records: Map<string, HostRecord | undefined>): InvariantsReport {
  const violations: Violation[] = [];
  for (const instance of account.instances.values()) {
    if (instance.management || instance.launchedAt === undefined || !instance.fleet) continue;
    const host: Host = { instance, fleet: instance.fleet, record: records.get(instance.instanceId) };
    const report: Report = (invariant, message) =>
      violations.push({ invariant, instanceId: instance.instanceId, message });
    lifecycleActionsEndOnce(account, host, report);
    membershipOnlyWhileAlive(account, host, report);
    readyOnlyWhenVerified(account, host, report);
    noStepTwice(account, host, report);
    noRecordLost(account, host, report);
  }
  violations.sort((a, b) => a.invariant - b.invariant || a.instanceId.localeCompare(b.instanceId));
  return { held: violations.length === 0, violations };
}

/**
 * Invariant 1: "Every launch action ends exactly once: READY with CONTINUE, or FAILED with the fleet's
 * onLaunchFailure, before the hook's global timeout; never completed twice with different results."
 * A launch action superseded by a terminate, or whose instance vanished, is left to Auto Scaling. A terminate
 * action likewise ends once, CONTINUE (an ABANDON would stop the other terminate hooks).
 */
function lifecycleActionsEndOnce(account: Account, { instance, fleet }: Host, report: Report): void {
  for (const action of instance.actions) {
    const results = new Set(account.journal.completions.filter((c) => c.token === action.token).map((c) => c.result));
    if (results.size > 1)
      report(1, `${action.transition} action ${action.token} was completed with different results: ${[...results]}`);
    if (action.completedBy === 'InstanceGone' || superseded(instance, action)) continue;
    if (!action.result) {
      report(1, `${action.transition} action ${action.token} never ended`);
      continue;
    }
    if (action.completedBy === 'HeartbeatTimeout') {
      report(
        1,
        `${action.transition} action ${action.token} timed out (DefaultResult ABANDON) instead of being completed`,
      );
      continue;
    }
    if ((action.completedAt ?? 0) > action.globalDeadline)
      report(1, `${action.transition} action ${action.token} completed after its global timeout`);
    if (action.transition === 'terminate') {
      if (action.result !== 'CONTINUE') report(1, `terminate action ${action.token} completed ${action.result}`);
      continue;
    }
    const settled = account.journal.writes.find((w) => serves(w, action) && w.lifecycleResult !== undefined);
    if (!settled) continue; // invariant 5 reports the completion the store never recorded
    const expected = settled.status === 'FAILED' ? fleet.onLaunchFailure : 'CONTINUE';
    if (settled.lifecycleResult === 'EXPIRED')
      report(1, `launch action ${action.token} was completed ${action.result} but the record believes it expired`);
    else if (action.result !== expected)
      report(1, `launch action ${action.token} completed ${action.result}, expected ${expected} for ${settled.status}`);
  }
}

/**
 * The record write is about this action: it names the action's token, or it names none (an action the sweep
 * started, completed by instance id, whose token gmsa-ready never learned) and is for the same instance, after
 * the action began.
 */
function serves(
  write: { token?: string; instanceId: string; at: number },
  action: Pick<SimLifecycleAction, 'token' | 'instanceId' | 'startedAt'>,
): boolean {
  if (write.token !== undefined) return write.token === action.token;
  return write.instanceId === action.instanceId && write.at >= action.startedAt;
}

/** A launch action a terminate action overtook while it was still open. */
function superseded(instance: SimInstance, action: SimLifecycleAction): boolean {
  return (
    action.transition === 'launch' &&
    instance.actions.some(
      (other) =>
        other.transition === 'terminate' &&
        other.startedAt >= action.startedAt &&
        other.startedAt <= (action.completedAt ?? Number.POSITIVE_INFINITY),
    )
  );
}

/**
 * Invariant 2: "A host is in hostGroup only while its instance is alive and joined; after termination its
 * membership and (by default) its computer account are gone, eventually." Checked as: every add that took
 * effect found the host running and joined; at the end no gone host's account is in any group, its computer
 * account is deleted when the fleet says so and the record proved it its own, and a host whose launch FAILED
 * is not left in the group.
 */
function membershipOnlyWhileAlive(account: Account, { instance, fleet, record }: Host, report: Report): void {
  for (const change of membershipOf(account, instance))
    if (change.action === 'add' && change.ok && (change.hostState !== 'running' || !change.hostJoined))
      report(
        2,
        `${change.account} added to ${change.group} while the instance was ${change.hostState}${change.hostJoined ? '' : ', not joined'}`,
      );
  const name = instance.accountName;
  if (!name) return;
  const groups = Object.entries(account.directory.snapshot().groups)
    .filter(([, members]) => members.some((m) => m.toUpperCase() === name.toUpperCase()))
    .map(([group]) => group);
  // A host in service before the world started whose account gmsa-ready never proved its own (its adoption
  // refused the identity) is left alone, membership included: a name alone is never evidence (issue 13).
  const neverProven = instance.running === true && !record?.identity;
  // A host stopped in the warm pool is alive: its account and membership stay (aws-facts 1.3).
  if (instance.state !== 'running' && instance.state !== 'stopped') {
    if (groups.length > 0 && !neverProven) report(2, `terminated, but ${name} is still in ${groups.join(', ')}`);
    // Deleted only when the record proved the account its own (issue 13): an account whose identity was never
    // resolved (a join a cancelled launch left behind) is left in the directory, never deleted by name.
    if (fleet.deleteComputerAccount && record?.identity && account.directory.hasComputer(name))
      report(2, `terminated, but its computer account ${name} was not deleted`);
  } else if (record?.status === 'FAILED' && fleet.hostGroup && groups.includes(fleet.hostGroup)) {
    report(2, `launch FAILED, but ${name} is still in ${fleet.hostGroup}`);
  }
}

/**
 * Invariant 3: "The ready attribute is only ever set on a host that passed verification, and removed before
 * drain." Passed verification, as the account saw it at the put: running; ECS container ACTIVE, connected
 * and advertising the fleet's gMSA capability; every credential spec of the fleet exists and is JSON; and,
 * domain-joined, joined, in hostGroup, and refreshed (tickets purged, agent restarted) after the group add.
 */
function readyOnlyWhenVerified(account: Account, { instance, fleet }: Host, report: Report): void {
  const { journal } = account;
  const refreshes = new Set([account.documents.refreshWindows, account.documents.refreshLinux]);
  for (const put of journal.attributes) {
    if (put.instanceId !== instance.instanceId || put.name !== fleet.readyAttribute || put.change !== 'put') continue;
    const { host } = put;
    const missing: string[] = [];
    if (host.state !== 'running') missing.push(`instance ${host.state}`);
    if (host.containerStatus !== 'ACTIVE' || !host.agentConnected) missing.push(`container ${host.containerStatus}`);
    if (!host.capabilities.includes(CAPABILITY[fleet.mode])) missing.push(`${CAPABILITY[fleet.mode]} not advertised`);
    const broken = fleet.credentialSpecs.filter((arn) => !credentialSpecReadable(account, arn));
    if (broken.length > 0) missing.push(`credential spec ${broken.join(', ')} missing or not JSON`);
    if (fleet.mode === 'domain-joined') {
      if (!host.joined) missing.push('not joined');
      if (!host.inHostGroup) missing.push(`not in ${fleet.hostGroup}`);
      const added = membershipOf(account, instance)
        .filter((c) => c.action === 'add' && c.ok && c.at <= put.at)
        .at(-1);
      // A host in service before the world started (world `running`) was in the group before it booted into
      // the world: no add, and no refresh after one, is owed (no source: the model's definition of `running`,
      // whose tickets carry the membership it had all along). Any add during the run is judged as usual.
      const predates = instance.running === true && added === undefined;
      const refreshed =
        predates ||
        journal.executions.some(
          (e) =>
            e.targetInstanceId === instance.instanceId &&
            refreshes.has(e.documentName) &&
            e.status === 'Success' &&
            added !== undefined &&
            e.at >= added.at &&
            e.at <= put.at,
        );
      if (!refreshed) missing.push('tickets not refreshed after the group add');
    }
    if (missing.length > 0) report(3, `${fleet.readyAttribute} put before verification passed: ${missing.join('; ')}`);
  }
  for (const change of journal.containerStates)
    if (
      change.instanceId === instance.instanceId &&
      change.status === 'DRAINING' &&
      change.attributes.includes(fleet.readyAttribute)
    )
      report(3, `container instance set DRAINING while ${fleet.readyAttribute} was still on it`);
}

function credentialSpecReadable(account: Account, arn: string): boolean {
  const value = account.world.credentialSpecs[arn];
  if (typeof value !== 'string') return value !== undefined;
  try {
    return typeof JSON.parse(value) === 'object';
  } catch {
    return false;
  }
}

/**
 * Invariant 4: "No event, duplicate, replay or reordering makes a step run twice with a visible effect."
 * A step run is visible when its document ran: the Run Command invocation started on its host (SendCommand
 * refused it, its delivery timed out, or the host was gone: provably nothing ran, and a retry is fine).
 * Idempotent repeats count too: AD audit and replication, a Linux rename, a Windows reboot are visible
 * even when the end state is the same. So, per launch action: at most one join that succeeded and at most
 * one executed group add; per phase (launch: undo, after the launch: deauthorize and cleanup), at most one
 * successful remove, unless the account was added back in between (a scavenged stray membership).
 */
function noStepTwice(account: Account, { instance }: Host, report: Report): void {
  const launches = instance.actions.filter((a) => a.transition === 'launch');
  const launchAt = (at: number) => launches.filter((a) => a.startedAt <= at).at(-1)?.token ?? 'before any launch';
  const count = (what: string, times: number[]) => {
    const per = new Map<string, number>();
    for (const at of times) per.set(launchAt(at), (per.get(launchAt(at)) ?? 0) + 1);
    for (const [token, n] of per) if (n > 1) report(4, `${what} ran ${n} times for launch action ${token}`);
  };
  count(
    'a successful domain join',
    account.journal.executions
      .filter(
        (e) =>
          e.documentName === JOIN_DOCUMENT &&
          e.targetInstanceId === instance.instanceId &&
          e.ran &&
          e.status === 'Success',
      )
      .map((e) => e.at),
  );
  const changes = membershipOf(account, instance);
  count(
    'a group add',
    changes.filter((c) => c.action === 'add').map((c) => c.at),
  );
  const launchEnded = Math.min(
    ...instance.actions.map((a) =>
      a.transition === 'terminate' ? a.startedAt : (a.completedAt ?? Number.POSITIVE_INFINITY),
    ),
  );
  let removedSince: { phase: string } | undefined;
  for (const change of changes) {
    if (change.action === 'add') {
      if (change.ok) removedSince = undefined;
      continue;
    }
    if (!change.ok) continue;
    const phase = change.at < launchEnded ? 'the launch (undo)' : 'the termination';
    if (removedSince?.phase === phase)
      report(4, `${change.account} removed from ${change.group} again during ${phase} (command ${change.commandId})`);
    removedSince = { phase };
  }
}

/**
 * Invariant 5: "No record is lost or overwritten by a concurrent invocation." Every launched host has a
 * record; its writes carry versions 1, 2, 3… with no repeat (an overwrite) and no gap, ending at the stored
 * version; and what the account did is in the record: every completion Auto Scaling accepted, the computer
 * account the join created, and, for a running host, READY exactly when it is ready in ECS and in its group.
 */
function noRecordLost(account: Account, { instance, fleet, record }: Host, report: Report): void {
  // A launch whose event was lost is known to gmsa-ready only through the reconciler's sweep: an instance gone
  // before any sweep could list it (two reconciler periods) left nothing to record, and nothing in AD either.
  const sweepReach = 2 * timings.reconcilerInterval;
  const launched = instance.actions.some(
    (a) => a.transition === 'launch' && (!a.eventLost || (a.completedAt ?? account.now()) - a.startedAt > sweepReach),
  );
  if (!record) {
    if (launched) report(5, 'launched, but gmsa-ready has no record of it');
    // Issue 11: a host in service before the world started is found by the sweep and adopted.
    else if (instance.running) report(5, 'running before the world started, but gmsa-ready never adopted it');
    return;
  }
  const versions = account.journal.writes.filter((w) => w.instanceId === instance.instanceId).map((w) => w.version);
  versions.forEach((version, i) => {
    if (version !== i + 1) report(5, `write ${i + 1} of the record carried version ${version}`);
  });
  if (versions.at(-1) !== record.version)
    report(5, `the stored record is at version ${record.version}, the last accepted write was ${versions.at(-1)}`);
  for (const call of account.journal.completions)
    if (
      call.instanceId === instance.instanceId &&
      call.accepted &&
      !account.journal.writes.some(
        (w) =>
          serves(w, { token: call.token, instanceId: call.instanceId, startedAt: 0 }) &&
          w.lifecycleResult !== undefined,
      )
    )
      report(5, `Auto Scaling accepted ${call.result} for action ${call.token}, the record never noted it finished`);
  const joinedAs = instance.accountName?.slice(0, -1).toUpperCase();
  if (joinedAs && fleet.mode === 'domain-joined' && record.computerName?.toUpperCase() !== joinedAs)
    report(5, `the join created ${instance.accountName}, the record names ${record.computerName ?? 'no computer'}`);
  if (instance.state !== 'running') return;
  const ready = account.ecs.isReady(instance);
  const member =
    fleet.mode === 'domainless' ||
    (!!instance.accountName && account.directory.isMember(fleet.hostGroup ?? '', instance.accountName));
  if (record.status === 'READY' && !(ready && member))
    report(5, `record READY, but the host is ${ready ? '' : 'not ready in ECS'}${member ? '' : ' not in its group'}`);
  if (record.status !== 'READY' && ready)
    report(5, `${fleet.readyAttribute} is set, but the record is ${record.status}`);
}

function membershipOf(account: Account, instance: SimInstance): MembershipChange[] {
  return account.journal.membership.filter((c) => c.instanceId === instance.instanceId);
}
