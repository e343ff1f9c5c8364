// A queued group change is acted on only if it is exactly what the configuration and the host's record
// say it should be: whoever can write to the queue still cannot steer a change onto another group,
// another management host or another account.
import { fleetByName } from '../config/load';
import { patterns } from '../config/patterns';
import type { Config } from '../config/schema';
import type { GroupChange, HostRecord } from '../workflow/types';

export type Verdict = { ok: true } | { ok: false; reason: string; stale?: boolean };

export function checkChange(config: Config, record: HostRecord | undefined, change: GroupChange): Verdict {
  const fleet = fleetByName(config, change.fleet);
  if (!fleet) return { ok: false, reason: `fleet '${change.fleet}' is not configured` };
  if (fleet.managementInstanceId !== change.managementInstanceId)
    return { ok: false, reason: 'managementInstanceId differs from the fleet configuration' };
  if (fleet.hostGroup !== change.hostGroup)
    return { ok: false, reason: 'hostGroup differs from the fleet configuration' };
  if (fleet.directory.name.toLowerCase() !== change.domainName.toLowerCase())
    return { ok: false, reason: 'domainName differs from the fleet configuration' };
  // What a purpose may do is fixed: only deauthorize removes and (when the fleet allows) deletes.
  const actions = {
    resolve: ['resolve'],
    authorize: ['add'],
    undo: ['remove'],
    deauthorize: ['remove', 'delete'],
  }[change.purpose];
  if (!actions.includes(change.action))
    return { ok: false, reason: `action ${change.action} does not fit purpose ${change.purpose}` };
  if (change.deleteComputerAccount !== (change.purpose === 'deauthorize' && fleet.deleteComputerAccount))
    return { ok: false, reason: `deleteComputerAccount does not fit purpose ${change.purpose} in this fleet` };
  if (!record || record.fleet !== fleet.name) return { ok: false, reason: 'no record of this host in the fleet' };
  if (!patterns.netbiosName.test(record.computerName ?? ''))
    return { ok: false, reason: 'the recorded computer name is not a NetBIOS name' };
  if (`${record.computerName}$`.toUpperCase() !== change.computerAccount.toUpperCase())
    return { ok: false, reason: 'computerAccount differs from the recorded computer name' };
  // The object acted on is the one the record proved its own: a queue writer cannot swap in another SID.
  if ((change.objectSid ?? undefined) !== (change.purpose === 'resolve' ? undefined : record.identity?.objectSid))
    return { ok: false, reason: 'objectSid differs from the recorded identity' };
  if (record.pending?.purpose !== change.purpose)
    return { ok: false, reason: `host is not waiting for ${change.purpose}`, stale: true };
  if (record.pending.commandId)
    return { ok: false, reason: `already sent as command ${record.pending.commandId}`, stale: true };
  return { ok: true };
}
