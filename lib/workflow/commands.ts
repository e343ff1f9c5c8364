// The life of one Run Command as a step sees it: requested, sent, reported, lost. Shared by the
// host commands (join, refresh) and the batched group changes (authorize, deauthorize, undo).
import type { Decision } from './context';
import { groupResultFor } from './group-output';
import {
  CLAIM_SECONDS,
  COMMAND_CHECK_AFTER,
  COMMAND_LOST_AFTER,
  COMMAND_MAX_ATTEMPTS,
  POLL_SECONDS,
  SSM_OUTPUT_LIMIT,
} from './timing';
import type { CommandPurpose, CommandStatus, Effect, GroupChange, Signal } from './types';

export type CommandOutcome =
  /** `report`: something worth telling people, e.g. the recorded object was gone and its name left alone. */
  | { kind: 'success'; report?: string }
  /** `evidence`: what the command printed that says why (classified into a failure code, lib/failures). */
  | { kind: 'failure'; message: string; evidence?: string }
  /** Nothing decided yet (still running, or a signal that doesn't concern this command). */
  | { kind: 'waiting' };

const RUNNING: CommandStatus[] = ['Pending', 'InProgress', 'Delayed', 'Cancelling'];

/** Records the intent to run a command and asks for it. Every request in a step counts, resends and retries after a failed send alike. */
export function request(d: Decision, purpose: CommandPurpose, targetInstanceId: string, effect: Effect): void {
  d.record.attempts += 1;
  d.record.pending = { purpose, targetInstanceId, requestedAt: d.at, attempt: d.record.attempts };
  d.emit(effect);
  d.checkAt(COMMAND_CHECK_AFTER);
}

const GROUP_PURPOSES: readonly CommandPurpose[] = ['resolve', 'authorize', 'deauthorize', 'undo'];

export function groupChangeEffect(
  d: Decision,
  action: 'resolve' | 'add' | 'remove',
  purpose: GroupChange['purpose'],
): Effect {
  const { record, fleet } = d;
  // Out of the group already (an undo succeeded): only the account is left to delete, no membership change twice.
  const kind = purpose === 'deauthorize' && !record.inGroup ? 'delete' : action;
  return {
    type: 'enqueueGroupChange',
    change: {
      instanceId: record.instanceId,
      fleet: fleet.name,
      managementInstanceId: fleet.managementInstanceId ?? '',
      domainName: fleet.directory.name,
      hostGroup: fleet.hostGroup ?? '',
      computerAccount: `${record.computerName}$`,
      // Everything after resolve acts on the object the record proved its own, never on the name.
      objectSid: purpose === 'resolve' ? undefined : record.identity?.objectSid,
      action: kind,
      deleteComputerAccount: purpose === 'deauthorize' && fleet.deleteComputerAccount,
      purpose,
    },
  };
}

/**
 * Whether the shell must read an ended command's result (GetCommandInvocation) for follow() to judge it. A
 * group change's or listing's output is its answer, and a failure's output says why; a join's or refresh's
 * success is its status alone (follow: `if (signal.status === 'Success') return { kind: 'success' }`).
 */
export function resultNeeded(purpose: CommandPurpose | 'list-members', status: string): boolean {
  return !((purpose === 'join' || purpose === 'refresh') && status === 'Success');
}

/**
 * Interprets a signal for the command the record is waiting on. `resend` is called when the command is
 * presumed lost and may be sent again; group changes read their own line of the batch's output.
 */
export function follow(d: Decision, signal: Signal, resend: () => void): CommandOutcome {
  const pending = d.record.pending;
  if (!pending) return { kind: 'waiting' };
  const groupChange = GROUP_PURPOSES.includes(pending.purpose);

  switch (signal.type) {
    case 'claim': {
      // First claimant wins (the write's version check makes that hold across concurrent invocations). A claim
      // whose sender died or was throttled expires, so SQS's redelivery can take it over.
      const held = pending.claimId !== undefined && signal.at - (pending.claimedAt ?? 0) < CLAIM_SECONDS;
      if (signal.purpose === pending.purpose && !pending.commandId && !held) {
        pending.claimId = signal.claimId;
        pending.claimedAt = signal.at;
      }
      return { kind: 'waiting' };
    }

    case 'commandSent':
      if (signal.purpose !== pending.purpose || pending.commandId) return { kind: 'waiting' };
      pending.commandId = signal.commandId;
      d.note(`${pending.purpose} command ${signal.commandId} sent to ${pending.targetInstanceId}`);
      d.checkAt(COMMAND_CHECK_AFTER);
      return { kind: 'waiting' };

    case 'commandsFound': {
      if (signal.purpose !== pending.purpose || pending.commandId) return { kind: 'waiting' };
      const found = signal.commandIds[0];
      if (!found) return lost(d, resend); // SSM never got it: now a resend is safe
      pending.commandId = found;
      d.note(`${pending.purpose} command ${found} found in SSM: it went out although its id was never recorded`);
      d.emit({ type: 'getCommandInvocation', commandId: found, instanceId: pending.targetInstanceId });
      d.checkAt(COMMAND_CHECK_AFTER);
      return { kind: 'waiting' };
    }

    case 'commandStatus': {
      const adopt = !pending.commandId && signal.purpose === pending.purpose;
      if (signal.commandId !== pending.commandId && !adopt) return { kind: 'waiting' };
      pending.commandId = signal.commandId;
      delete pending.unread;
      if (signal.status === 'NotFound' || RUNNING.includes(signal.status)) {
        if (signal.status === 'NotFound' && d.at - pending.requestedAt > COMMAND_LOST_AFTER) return lost(d, resend);
        d.checkAt(signal.status === 'NotFound' ? 60 : COMMAND_CHECK_AFTER);
        return { kind: 'waiting' };
      }
      if (groupChange) {
        const line = groupResultFor(signal.output, `${d.record.computerName}$`);
        // GetCommandInvocation cut the output before this host's line (aws-facts 4.3): ask again, not fail.
        if (!line && signal.status === 'Success' && (signal.output ?? '').length >= SSM_OUTPUT_LIMIT) {
          d.note(`${pending.purpose} output was cut at ${SSM_OUTPUT_LIMIT} characters before this host's line`);
          return lost(d, resend);
        }
        if (line?.kind === 'ok') return { kind: 'success' };
        // The recorded object no longer exists: nothing of this host is left to remove, and the name's
        // new holder was left alone. For an add it is a failure: the proven account is gone.
        if (line?.kind === 'gone' && pending.purpose !== 'authorize') return { kind: 'success', report: line.message };
        if (line) return { kind: 'failure', message: line.message };
        if (signal.status === 'Success')
          return {
            kind: 'failure',
            message: 'the group change printed no result for this host',
            evidence: signal.errorOutput,
          };
      }
      if (signal.status === 'Success') return { kind: 'success' };
      return {
        kind: 'failure',
        message: `command ${signal.commandId} ended ${signal.status}`,
        evidence: signal.errorOutput,
      };
    }

    case 'failed':
      if (signal.effect === 'findCommand') {
        pending.searched = false; // ask again on the next look rather than resend blind
        d.wakeIn(POLL_SECONDS.retry);
        return { kind: 'waiting' };
      }
      if (signal.effect === 'getCommandInvocation') {
        // Reading the result was throttled or failed (perhaps the status event's own read): ask again soon,
        // not a whole check interval later.
        pending.unread = true;
        d.wakeIn(POLL_SECONDS.retry);
        return { kind: 'waiting' };
      }
      if (signal.effect !== 'sendCommand' && signal.effect !== 'enqueueGroupChange') return { kind: 'waiting' };
      if (signal.kind === 'denied' || signal.kind === 'invalid') return { kind: 'failure', message: signal.message };
      // Throttled, or the host's agent not reachable yet (InvalidInstanceId): try again shortly. Nothing went out,
      // so the request is not an attempt toward "lost N times" (a 1000-host burst failed a launch that way);
      // the step's deadline still bounds the retries.
      d.note(`${pending.purpose} could not be sent (${signal.kind}): ${signal.message}`);
      d.record.pending = undefined;
      d.record.attempts = Math.max(0, d.record.attempts - 1);
      d.wakeIn(POLL_SECONDS.retry);
      return { kind: 'waiting' };

    case 'tick': {
      const age = d.at - pending.requestedAt;
      if (!pending.commandId) return age > COMMAND_LOST_AFTER ? lost(d, resend) : { kind: 'waiting' };
      if (age >= COMMAND_CHECK_AFTER || pending.unread) {
        d.emit({ type: 'getCommandInvocation', commandId: pending.commandId, instanceId: pending.targetInstanceId });
        d.checkAt(COMMAND_CHECK_AFTER);
      }
      return { kind: 'waiting' };
    }

    default:
      return { kind: 'waiting' };
  }
}

function lost(d: Decision, resend: () => void): CommandOutcome {
  const { record } = d;
  const pending = record.pending;
  if (!pending) return { kind: 'waiting' };
  // A request without a command id may still have gone out (a crash or a failed write right after
  // SendCommand): ask SSM first. A second join would rename a joined Linux host (amazon-ssm-agent#349).
  if (!pending.commandId && !pending.searched) {
    pending.searched = true;
    const groupChange = GROUP_PURPOSES.includes(pending.purpose);
    d.emit({
      type: 'findCommand',
      purpose: pending.purpose,
      platform: record.platform,
      instanceId: pending.targetInstanceId,
      after: pending.requestedAt,
      computerAccount: groupChange ? `${record.computerName}$` : undefined,
      ...(pending.purpose === 'join' && d.fleet.directory.type === 'self-managed' ? { selfManagedJoin: true } : {}),
    });
    d.checkAt(COMMAND_LOST_AFTER);
    return { kind: 'waiting' };
  }
  if (pending.attempt >= COMMAND_MAX_ATTEMPTS)
    return { kind: 'failure', message: `${pending.purpose} command was lost ${pending.attempt} times` };
  d.note(`${pending.purpose} command ${pending.commandId ?? '(unsent)'} presumed lost; sending again`);
  resend();
  return { kind: 'waiting' };
}
