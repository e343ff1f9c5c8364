// Scavenging beyond the records: every SCAVENGE_INTERVAL the reconciler has the directory function list each
// host group on its management host (ListMembers document); when that command reports, members that belong to
// terminated gmsa-ready hosts are sent back through deauthorize, and members nobody recorded are only reported.
import type { SSMClient } from '@aws-sdk/client-ssm';
import { sendManagementCommand } from '../aws/ssm';
import { fleetByName } from '../config/load';
import type { Fleet } from '../config/schema';
import { parseMembers, planScavenge } from '../workflow/scavenge';
import type { HostRecord, Status } from '../workflow/types';
import { deliver, type EngineDeps } from './engine';

export const SCAVENGE_INTERVAL = 3600;
const ALL: Status[] = ['LAUNCHING', 'READY', 'WARMED', 'FAILED', 'TERMINATING', 'CLEANUP_PENDING', 'TERMINATED'];
/** Bounds the records one scavenge reads (per status): 20 pages of 100. */
const MAX_PAGES = 20;

/**
 * The reconciler's half: once per SCAVENGE_INTERVAL and fleet, asks the directory function (the only role that
 * may send to a management host) to list the fleet's host group.
 */
export async function startScavenge(
  deps: EngineDeps,
  requestListing: (fleet: string) => Promise<void>,
): Promise<string[]> {
  const started: string[] = [];
  for (const fleet of deps.config.fleets) {
    if (!listable(fleet)) continue;
    const marker = `scavenge-${fleet.name}`;
    const last = Number((await deps.store.getMarker(marker)) ?? 0);
    if (deps.now() - last < SCAVENGE_INTERVAL) continue;
    try {
      await requestListing(fleet.name);
    } catch (error) {
      // The next run tries again; scavenging must never stop the reconciler.
      deps.telemetry.log('warn', 'could not list host group members', { fleet: fleet.name, error: String(error) });
      continue;
    }
    await deps.store.putMarker(marker, String(deps.now()));
    started.push(fleet.name);
  }
  return started;
}

function listable(fleet: Fleet): fleet is Fleet & { hostGroup: string; managementInstanceId: string } {
  return fleet.mode === 'domain-joined' && fleet.hostGroup !== undefined && fleet.managementInstanceId !== undefined;
}

/**
 * The directory function's half: sends ListMembers on the fleet's management host and indexes the command, so
 * its status event finds the fleet (finishScavenge). Host group and host come from the config, not the message.
 */
export async function sendMemberListing(
  deps: EngineDeps,
  ssm: SSMClient,
  listMembersDocument: string,
  fleetName: string,
): Promise<void> {
  const fleet = fleetByName(deps.config, fleetName);
  if (!fleet || !listable(fleet)) {
    deps.telemetry.log('warn', 'member listing skipped: no domain-joined fleet of that name', { fleet: fleetName });
    return;
  }
  const commandId = await sendManagementCommand(ssm, {
    documentName: listMembersDocument,
    instanceId: fleet.managementInstanceId,
    parameters: { GroupName: [fleet.hostGroup], DomainName: [fleet.directory.name] },
    comment: `gmsa-ready list-members ${fleet.name}`,
  });
  await deps.store.putCommand({
    commandId,
    purpose: 'list-members',
    documentName: listMembersDocument,
    targetInstanceId: fleet.managementInstanceId,
    instanceIds: [],
    sentAt: deps.now(),
    fleet: fleet.name,
  });
}

export async function finishScavenge(
  deps: EngineDeps,
  fleetName: string,
  output: string | undefined,
): Promise<{ stray: string[]; unknown: string[] }> {
  const fleet = fleetByName(deps.config, fleetName);
  if (!fleet) return { stray: [], unknown: [] };
  // Only this fleet's hosts: a name another fleet once used says nothing about this group.
  const records = (await readAll(deps)).filter((r) => r.fleet === fleet.name);
  const plan = planScavenge(parseMembers(output), records);
  for (const instanceId of plan.stray) await deliver(deps, instanceId, { type: 'strayMember', at: deps.now() });
  deps.telemetry.metric({
    name: 'UnknownGroupMembers',
    unit: 'Count',
    value: plan.unknown.length,
    dimensions: { Fleet: fleet.name },
  });
  if (plan.unknown.length > 0)
    deps.telemetry.log('info', `members of ${fleet.hostGroup} that gmsa-ready never recorded (left untouched)`, {
      fleet: fleet.name,
      members: plan.unknown,
    });
  return plan;
}

async function readAll(deps: EngineDeps): Promise<HostRecord[]> {
  const records: HostRecord[] = [];
  for (const status of ALL) {
    let cursor: string | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
      const result = await deps.store.listByStatus(status, { limit: 100, cursor });
      records.push(...result.items);
      cursor = result.cursor;
      if (!cursor) break;
    }
  }
  return records;
}
