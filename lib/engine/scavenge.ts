// Scavenging beyond the records: every SCAVENGE_INTERVAL the reconciler has the directory function list each
// host group on its management host (ListMembers document), a page of at most 200 members per command; each
// page's status event asks the directory queue for the next page (nothing waits in Lambda). When the pages prove
// the whole group (assembleListing), members that belong to terminated gmsa-ready hosts are sent back through
// deauthorize, and members nobody recorded are only reported. A listing that cannot be proven is partial and
// changes nothing. The last scavenge of each fleet is kept as a marker (`scavenge-result-FLEET`).
import type { SSMClient } from '@aws-sdk/client-ssm';
import { sendManagementCommand } from '../aws/ssm';
import { fleetByName } from '../config/load';
import type { Fleet } from '../config/schema';
import {
  assembleListing,
  FIRST_PAGE,
  LAST_PAGE,
  type Member,
  type MemberPage,
  parsePage,
  planScavenge,
} from '../workflow/scavenge';
import type { CommandStatus, HostRecord, Status } from '../workflow/types';
import { deliver, type EngineDeps } from './engine';
import type { CommandRef } from './ports';

export const SCAVENGE_INTERVAL = 3600;
const ALL: Status[] = [
  'LAUNCHING',
  'READY',
  'WARMED',
  'FAILED',
  'TERMINATING',
  'CLEANUP_PENDING',
  'TERMINATED',
  'ADOPTING',
  'ADOPTED_NOT_JOINED',
  'ADOPTED_NOT_IN_GROUP',
  'ADOPTED_NOT_VERIFIED',
];
/**
 * Bounds the records the last page's invocation reads (the command-status function, 60 s): 100 Query pages in all,
 * each at most 1,000 records and 1 MB (50,000 to 100,000 records at 1-2 KB each); a bigger table makes the run
 * partial rather than judged on part of it.
 */
const MAX_PAGES = 100;
const RECORDS_PER_PAGE = 1000;
/** Pages one listing may take: 100 × 200 = 20,000 members; a bigger group makes the run partial. */
export const MAX_LISTING_PAGES = 100;
/** Command statuses after which no output will come (aws-facts 4.3). */
const FINAL: ReadonlySet<CommandStatus> = new Set<CommandStatus>(['Success', 'Failed', 'Cancelled', 'TimedOut']);

/** The next page of a listing, as the directory queue carries it. */
export interface PageRequest {
  fleet: string;
  /** The listing's id: the command id of its first page. */
  listing: string;
  /** 1 for the second page. */
  page: number;
  after: string;
}

/** The last scavenge of a fleet (the sandbox report's `scavenge`). */
export interface ScavengeResult {
  members: number;
  recorded: number;
  stale: number;
  unknown: number;
  partial: boolean;
  reason?: string;
  at: number;
}

const resultMarker = (fleet: string) => `scavenge-result-${fleet}`;
const pageMarker = (fleet: string, page: number) => `scavenge-page-${fleet}-${page}`;

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
  next?: Omit<PageRequest, 'fleet'>,
): Promise<void> {
  const fleet = fleetByName(deps.config, fleetName);
  if (!fleet || !listable(fleet)) {
    deps.telemetry.log('warn', 'member listing skipped: no domain-joined fleet of that name', { fleet: fleetName });
    return;
  }
  const commandId = await sendManagementCommand(ssm, {
    documentName: listMembersDocument,
    instanceId: fleet.managementInstanceId,
    parameters: {
      GroupName: [fleet.hostGroup],
      DomainName: [fleet.directory.name],
      StartAfter: [next?.after ?? FIRST_PAGE],
    },
    comment: `gmsa-ready list-members ${fleet.name}${next ? ` page ${next.page + 1}` : ''}`,
  });
  await deps.store.putCommand({
    commandId,
    purpose: 'list-members',
    documentName: listMembersDocument,
    targetInstanceId: fleet.managementInstanceId,
    instanceIds: [],
    sentAt: deps.now(),
    fleet: fleet.name,
    listing: next
      ? { id: next.listing, page: next.page, after: next.after }
      : { id: commandId, page: 0, after: FIRST_PAGE },
  });
}

/**
 * A ListMembers page reported (the command-status function): keeps the page, asks for the next one, or, after
 * the last, judges the whole listing. Returns a line for the intake result.
 */
export async function followListing(
  deps: EngineDeps,
  command: CommandRef,
  status: CommandStatus,
  output: string | undefined,
  requestPage: (request: PageRequest) => Promise<void>,
): Promise<string> {
  const fleet = command.fleet;
  const listing = command.listing ?? { id: command.commandId, page: 0, after: FIRST_PAGE };
  if (!fleet || !FINAL.has(status)) return `listing page ${status}`;
  const marker = pageMarker(fleet, listing.page);
  const seen = await deps.store.getMarker(marker);
  // EventBridge may deliver a status event twice (aws-facts 9): the page is followed once.
  if (seen && (JSON.parse(seen) as { listing?: string }).listing === listing.id) return 'listing page already read';
  const partial = (reason: string, members = 0) => finishPartial(deps, fleet, reason, members);
  if (status !== 'Success') return partial(`page ${listing.page + 1}: ListMembers ${status}`);
  const page = parsePage(output, listing.after);
  if (!page.ok) return partial(`page ${listing.page + 1}: ${page.reason}`);
  const stored = JSON.stringify({ listing: listing.id, page: page.value });
  // Each page is marked read only once its work is done: a retry after a failure (the queue, the store) does it
  // again rather than being taken for a duplicate; a duplicate at worst sends one page twice (read once, here).
  if (page.value.next !== LAST_PAGE) {
    if (listing.page + 1 >= MAX_LISTING_PAGES)
      return partial(`the group needs more than ${MAX_LISTING_PAGES} pages`, page.value.total);
    await requestPage({ fleet, listing: listing.id, page: listing.page + 1, after: page.value.next });
    await deps.store.putMarker(marker, stored);
    return `listing page ${listing.page + 1} read`;
  }
  const earlier = await readPages(deps, fleet, listing.id, listing.page);
  if (!earlier) return partial('an earlier page of this listing is missing', page.value.total);
  const listed = assembleListing([...earlier, page.value]);
  if (!listed.ok) return partial(listed.reason, page.value.total);
  const result = await finishScavenge(deps, fleet, listed.value);
  await deps.store.putMarker(marker, stored);
  return `scavenged: ${result.stale} stale, ${result.unknown} unknown`;
}

/** The pages of a listing before page `current`, or undefined when one is missing or another listing's. */
async function readPages(
  deps: EngineDeps,
  fleet: string,
  listing: string,
  current: number,
): Promise<MemberPage[] | undefined> {
  const pages: MemberPage[] = [];
  for (let i = 0; i < current; i++) {
    const stored = await deps.store.getMarker(pageMarker(fleet, i));
    const parsed = stored ? (JSON.parse(stored) as { listing: string; page: MemberPage }) : undefined;
    if (parsed?.listing !== listing) return undefined;
    pages.push(parsed.page);
  }
  return pages;
}

/** `members` is the group's size as the last readable page reported it (0 when none was readable). */
async function finishPartial(deps: EngineDeps, fleet: string, reason: string, members: number): Promise<string> {
  deps.telemetry.log('warn', 'host group listing is partial: nothing scavenged this time', { fleet, reason });
  await record(deps, fleet, { members, recorded: 0, stale: 0, unknown: 0, partial: true, reason, at: deps.now() });
  return `partial listing: ${reason}`;
}

async function record(deps: EngineDeps, fleet: string, result: ScavengeResult): Promise<void> {
  await deps.store.putMarker(resultMarker(fleet), JSON.stringify(result));
}

/** The last scavenge of a fleet, if one finished. */
export async function lastScavenge(
  store: Pick<EngineDeps['store'], 'getMarker'>,
  fleet: string,
): Promise<ScavengeResult | undefined> {
  const stored = await store.getMarker(resultMarker(fleet));
  return stored ? (JSON.parse(stored) as ScavengeResult) : undefined;
}

/** Judges a complete listing: stray members go back through deauthorize, unknown ones are only reported. */
export async function finishScavenge(
  deps: EngineDeps,
  fleetName: string,
  members: readonly Member[],
): Promise<ScavengeResult> {
  const fleet = fleetByName(deps.config, fleetName);
  const at = deps.now();
  if (!fleet) return { members: 0, recorded: 0, stale: 0, unknown: 0, partial: true, reason: 'no such fleet', at };
  const all = await readAll(deps);
  if (!all) {
    const reason = `the records need more than ${MAX_PAGES} pages to read`;
    await finishPartial(deps, fleet.name, reason, members.length);
    return { members: members.length, recorded: 0, stale: 0, unknown: 0, partial: true, reason, at };
  }
  // Only this fleet's hosts: a name another fleet once used says nothing about this group.
  const records = all.filter((r) => r.fleet === fleet.name);
  const plan = planScavenge(members, records);
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
      count: plan.unknown.length,
      // A sample: the log line stays small at any group size; the metric has the count.
      members: plan.unknown.slice(0, 50),
    });
  const result: ScavengeResult = {
    members: members.length,
    recorded: plan.recorded,
    stale: plan.stray.length,
    unknown: plan.unknown.length,
    partial: false,
    at,
  };
  await record(deps, fleet.name, result);
  return result;
}

/**
 * Every record, or undefined when a status holds more than the bound: then a live host could hide among the
 * unread, and the scavenger must not judge a member stray.
 */
async function readAll(deps: EngineDeps): Promise<HostRecord[] | undefined> {
  const records: HostRecord[] = [];
  let page = 0;
  for (const status of ALL) {
    let cursor: string | undefined;
    do {
      if (page++ === MAX_PAGES) return undefined;
      const result = await deps.store.listByStatus(status, { limit: RECORDS_PER_PAGE, cursor });
      records.push(...result.items);
      cursor = result.cursor;
    } while (cursor);
  }
  return records;
}
