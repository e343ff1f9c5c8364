// Adoption: the reconciler's sweep found an instance InService that no record serves (a host running before
// gmsa-ready was deployed, or whose record was lost). identify → resolve → verify → ready, with no lifecycle
// action to complete and nothing changed on the host or in the directory: no join, no group add, no ECS
// state change. The one write is the ready attribute, and only once the host is proven joined, in its group
// (by objectSID) and verified. Whatever is missing ends in a status that names it (types.ts). Pure.

import { follow } from './commands';
import type { Decision } from './context';
import { groupMembershipFor, identityFor } from './group-output';
import { heldByLive, identityRefusal } from './identity';
import { describeAgent, enqueueResolve, inspect, joinedFqdn, putReadyAttribute, verification } from './launch';
import { joinedBefore, joinedName, printable } from './names';
import { AGENT_SIGNALS, COMMAND_SIGNALS, consumes, plan, type Table } from './table';
import { POLL_SECONDS, STEP_DEADLINE } from './timing';
import type { Signal, Status, Step } from './types';

/** How an adoption that cannot prove the host serving ends: the reason says what is missing. */
const NOT_VERIFIED = { to: 'done', status: 'ADOPTED_NOT_VERIFIED', when: 'fails or passes its deadline' } as const;

/** Adoption as a table, drawn in docs/state-machine.md like LAUNCH and TERMINATE. */
export const ADOPT = {
  identify: {
    consumes: AGENT_SIGNALS,
    next: 'resolve',
    deadline: STEP_DEADLINE.identify,
    act: describeAgent,
    on: onIdentify,
    exits: [
      { to: 'done', status: 'ADOPTED_NOT_JOINED', when: 'SSM reports a name its join did not give' },
      NOT_VERIFIED,
    ],
  },
  /** Read-only: the account's identity and its membership of hostGroup, by objectSID. */
  resolve: {
    consumes: [...COMMAND_SIGNALS, 'identityClaim', 'failed:claimIdentity'],
    next: 'verify',
    deadline: STEP_DEADLINE.resolve,
    act: enqueueResolve,
    on: onResolve,
    exits: [
      { to: 'done', status: 'ADOPTED_NOT_IN_GROUP', when: 'its proven account is not in hostGroup' },
      NOT_VERIFIED,
    ],
  },
  verify: {
    consumes: ['inspected', 'failed:inspect'],
    next: 'ready',
    deadline: STEP_DEADLINE.verify,
    act: inspect,
    on: onVerify,
    exits: [NOT_VERIFIED],
  },
  ready: {
    consumes: ['done:putReadyAttribute', 'failed:putReadyAttribute'],
    next: 'done',
    deadline: STEP_DEADLINE.ready,
    act: putReadyAttribute,
    on: onReady,
    exits: [{ to: 'done', status: 'READY', when: 'joined, in the group, verified: attribute set' }, NOT_VERIFIED],
  },
} as const satisfies Table<AdoptStep>;

export type AdoptStep = Extract<Step, 'identify' | 'resolve' | 'verify' | 'ready'>;

/** The adoption in one line: identify → resolve → verify → ready. */
export const ADOPT_PLAN: AdoptStep[] = plan(ADOPT, 'identify');

/** Statuses an adoption ends in besides READY: each names what is missing; the host was left as it was. */
export const ADOPTED: readonly Status[] = ['ADOPTED_NOT_JOINED', 'ADOPTED_NOT_IN_GROUP', 'ADOPTED_NOT_VERIFIED'];

/** A domainless host has no directory steps: only verify and ready. */
function firstStep(d: Decision): AdoptStep {
  return d.fleet.mode === 'domainless' ? 'verify' : 'identify';
}

/** The sweep found the instance InService with no record serving it: adopt it. */
export function startAdopt(d: Decision, detail: string): void {
  const step = firstStep(d);
  d.moveTo({ status: 'ADOPTING', step, reason: null }, detail);
  ADOPT[step].act(d);
}

function moveOn(d: Decision, step: AdoptStep, detail: string): void {
  d.moveTo({ status: 'ADOPTING', step, reason: null }, detail);
  ADOPT[step].act(d);
}

/** Ends the adoption in a settled status; the host keeps whatever it had. */
function settle(d: Decision, status: Status, detail: string, reason: string | null): void {
  d.record.nextCheckAt = undefined;
  d.record.memberAtAdoption = undefined;
  d.moveTo({ status, step: 'done', reason }, detail);
}

function notVerified(d: Decision, why: string): void {
  const step = d.record.step;
  settle(d, 'ADOPTED_NOT_VERIFIED', `not adopted as READY: ${why}`, `${step}: ${why}`);
}

/** Everything that can happen to an ADOPTING record, apart from lifecycle events. */
export function onAdoptSignal(d: Decision, signal: Signal): void {
  const step = d.record.step;
  if (!(step in ADOPT)) return;
  const row = ADOPT[step as AdoptStep];
  if (signal.type === 'tick' && d.elapsedInStep() > row.deadline) {
    const waiting = d.record.reason?.startsWith('waiting:') ? d.record.reason.slice(9) : undefined;
    return notVerified(d, waiting ?? `no result within ${row.deadline / 60} minutes`);
  }
  if (consumes(row, signal)) row.on(d, signal);
}

/** The name SSM reports: joined to the fleet's domain (and by the name a join gives), or not joined at all. */
function onIdentify(d: Decision, signal: Signal): void {
  const { record, fleet } = d;
  if (signal.type === 'tick') return describeAgent(d);
  if (signal.type === 'failed') return d.wakeIn(POLL_SECONDS.retry);
  if (signal.type !== 'agent') return;
  if (!signal.online) {
    record.reason = 'waiting: SSM agent not online';
    return;
  }
  const expected = fleet.platform === 'windows' ? 'Windows' : 'Linux';
  if (signal.platformType && signal.platformType !== expected)
    return notVerified(d, `SSM reports platform ${signal.platformType}, fleet ${fleet.name} is ${fleet.platform}`);
  const name = joinedName(signal.computerName, fleet.directory.name);
  if (!name.inDomain || !joinedBefore(name, record.platform)) {
    const reported = printable(signal.computerName);
    return settle(
      d,
      'ADOPTED_NOT_JOINED',
      `SSM reports '${reported}': not joined to ${fleet.directory.name}`,
      `identify: not joined to ${fleet.directory.name} (SSM reports '${reported}')`,
    );
  }
  if (!name.valid) return notVerified(d, `computer name '${printable(name.netbios)}' is not a valid NetBIOS name`);
  record.computerName = name.netbios;
  record.hostFqdn = joinedFqdn(signal.computerName);
  record.joined = true;
  moveOn(d, 'resolve', `joined to ${fleet.directory.name} as ${record.computerName}$`);
}

/**
 * The resolve's answer: the account's identity (checked as a launch checks it, except its age: the host
 * predates this record) and its membership of hostGroup by objectSID, then the claim in the store.
 */
function onResolve(d: Decision, signal: Signal): void {
  const { record, fleet } = d;
  const account = `${record.computerName}$`;
  if (signal.type === 'identityClaim') return onClaim(d, signal);
  if (signal.type === 'failed' && signal.effect === 'claimIdentity') return d.wakeIn(POLL_SECONDS.retry);
  const outcome = follow(d, signal, () => enqueueResolve(d));
  if (outcome.kind === 'failure') return notVerified(d, `resolving ${account}: ${outcome.message}`);
  if (outcome.kind === 'waiting') {
    if (signal.type === 'tick' && !record.pending) enqueueResolve(d);
    return;
  }
  const output = signal.type === 'commandStatus' ? signal.output : undefined;
  const line = identityFor(output, account);
  if (!line) return notVerified(d, `the resolve printed no identity for ${account}`);
  if (!line.ok) return notVerified(d, `account ${account}: ${line.message}`);
  const refusal = identityRefusal(line.identity, {
    computerAccount: account,
    launchedAt: undefined,
    hostFqdn: record.hostFqdn,
    ou: fleet.directory.ou,
  });
  if (refusal) return notVerified(d, refusal);
  const membership = groupMembershipFor(output, account);
  if (!membership || membership.objectSid !== line.identity.objectSid)
    return notVerified(d, `the resolve printed no membership of ${fleet.hostGroup} for ${line.identity.objectSid}`);
  record.pending = undefined;
  record.memberAtAdoption = membership.member;
  d.emit({ type: 'claimIdentity', identity: line.identity });
}

/** The account is this record's once the store says no live record holds its objectSID. */
function onClaim(d: Decision, signal: Extract<Signal, { type: 'identityClaim' }>): void {
  const { record, fleet } = d;
  const { identity, holder } = signal;
  if (record.identity || record.pending || record.memberAtAdoption === undefined) return; // a late answer
  const who = `account ${identity.sAMAccountName} (${identity.objectSid})`;
  if (holder && heldByLive(holder, identity.objectSid))
    return notVerified(d, `${who} is held by another live record, ${holder.instanceId} (${holder.status})`);
  if (holder) {
    d.note(`${who} was last held by ${holder.instanceId} (${holder.status ?? 'no record'}); taking it over`);
    return d.emit({ type: 'claimIdentity', identity, replacing: holder.instanceId });
  }
  record.identity = identity;
  if (!record.memberAtAdoption)
    return settle(
      d,
      'ADOPTED_NOT_IN_GROUP',
      `${who} is not a member of ${fleet.hostGroup}; left as it is`,
      `resolve: ${record.computerName}$ is not in ${fleet.hostGroup}`,
    );
  record.inGroup = true;
  moveOn(d, 'verify', `${who} is a member of ${fleet.hostGroup}`);
}

function onVerify(d: Decision, signal: Signal): void {
  if (signal.type === 'tick') return inspect(d);
  const verdict = verification(d, signal);
  if (verdict?.kind === 'failed') return notVerified(d, verdict.message);
  if (verdict?.kind !== 'serving') return;
  d.record.containerInstanceArn = verdict.arn;
  moveOn(d, 'ready', verdict.detail);
}

function onReady(d: Decision, signal: Signal): void {
  const { record, fleet } = d;
  if (signal.type === 'done') {
    record.ready = true;
    record.readyAt = d.at;
    settle(d, 'READY', `adopted: ${fleet.readyAttribute}=true on ${record.containerInstanceArn}`, null);
    return d.log('info', `host adopted as READY in fleet ${fleet.name}`, { computerName: record.computerName });
  }
  if (signal.type === 'failed') {
    if (signal.kind === 'retryable') return d.wakeIn(POLL_SECONDS.retry);
    return notVerified(d, `PutAttributes: ${signal.message}`);
  }
  putReadyAttribute(d);
}
