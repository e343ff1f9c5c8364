// A terminate that overtook a launch mid-join: the join may still create a computer account, or did and
// its name is not known yet. Terminate follows that join to its result and reads the name it produced,
// so the account is cleaned up too; bounded by the join's own deadline, so scale-in is never held longer.
import type { Decision } from './context';
import { joinedBefore, joinedName } from './names';
import { COMMAND_CHECK_AFTER, POLL_SECONDS, STEP_DEADLINE } from './timing';
import type { Signal } from './types';

const NEVER_SENT_AFTER = 660;

export function joinUnsettled(d: Decision): boolean {
  const { record, fleet } = d;
  return fleet.mode === 'domain-joined' && (record.openJoin !== undefined || (record.joined && !record.computerName));
}

const RUNNING = ['Pending', 'InProgress', 'Delayed', 'Cancelling', 'NotFound'];

/**
 * Takes in news of the open join in whatever step terminate is (its SendCommand answer can land while
 * draining). Returns 'succeeded' or 'ended' when the join has just settled, else undefined.
 */
export function trackOpenJoin(d: Decision, signal: Signal): 'succeeded' | 'ended' | undefined {
  const { record } = d;
  const join = record.openJoin;
  if (!join) return undefined;
  if (signal.type === 'commandSent' && signal.purpose === 'join' && !join.commandId) {
    join.commandId = signal.commandId;
    return undefined;
  }
  if (signal.type !== 'commandStatus') return undefined;
  if (signal.commandId !== join.commandId && (join.commandId || signal.purpose !== 'join')) return undefined;
  if (signal.status === 'Success') {
    record.openJoin = undefined;
    record.joined = true;
    d.note(`the cancelled launch's join ${signal.commandId} succeeded; the name it produced is still to read`);
    return 'succeeded';
  }
  if (RUNNING.includes(signal.status)) return undefined;
  record.openJoin = undefined;
  d.note(`the cancelled launch's join ended ${signal.status}: no account to remove`);
  return 'ended';
}

/** Advances the wait; `proceed` resumes terminate once nothing is unsettled any more. */
export function settleJoin(d: Decision, signal: Signal, proceed: (detail: string) => void): void {
  const { record, fleet } = d;
  const news = trackOpenJoin(d, signal);
  if (news === 'ended') return proceed('the cancelled launch made no account');
  if (news === 'succeeded') {
    // A Windows join keeps the host's name, known before the join: no need to ask a host that may be gone.
    if (record.expectedComputerName) {
      record.computerName = record.expectedComputerName;
      return proceed(`the join made ${record.computerName}$`);
    }
    d.emit({ type: 'describeAgent', instanceId: record.instanceId });
    return d.wakeIn(POLL_SECONDS.identify);
  }
  const join = record.openJoin;
  const settled = (detail: string) => {
    record.openJoin = undefined;
    proceed(detail);
  };
  if (join) {
    if (signal.type !== 'tick') return;
    const age = d.at - join.requestedAt;
    // SSM keeps a finished command's result: ask before giving up, however old the join is.
    const asked = d.elapsedInStep() >= 2 * COMMAND_CHECK_AFTER;
    if (age > STEP_DEADLINE.join && (asked || !join.commandId))
      return giveUp(d, "the cancelled launch's join never reported", proceed);
    // A launch that crashed between SendCommand and its record write is adopted by the status event (purpose
    // join); a Windows join reports after about 6 minutes, so "never sent" waits past that.
    if (!join.commandId && age > NEVER_SENT_AFTER) return settled('the cancelled launch never sent its join');
    if (join.commandId && age >= COMMAND_CHECK_AFTER)
      d.emit({ type: 'getCommandInvocation', commandId: join.commandId, instanceId: join.targetInstanceId });
    return d.checkAt(COMMAND_CHECK_AFTER / 5);
  }
  // Joined, name unknown: ask SSM while the host still exists.
  if (signal.type === 'agent') {
    const name = joinedName(signal.computerName, fleet.directory.name);
    if (joinedBefore(name, record.platform) && name.inDomain && name.valid) {
      record.computerName = name.netbios;
      return proceed(`the join produced ${name.netbios}$`);
    }
    return;
  }
  if (signal.type !== 'tick') return;
  if (d.elapsedInStep() > STEP_DEADLINE.identify) return giveUp(d, 'the joined name could not be read', proceed);
  d.emit({ type: 'describeAgent', instanceId: record.instanceId });
  d.wakeIn(POLL_SECONDS.identify);
}

/** The account (if any) cannot be identified: say so loudly and let the action complete. */
function giveUp(d: Decision, why: string, proceed: (detail: string) => void): void {
  const { record } = d;
  record.openJoin = undefined;
  record.joined = false;
  d.log('error', `${why}: a computer account may be left in the directory for this host`, { reason: why });
  record.reason = `deauthorize: ${why}; a computer account may be left`;
  proceed(why);
}
