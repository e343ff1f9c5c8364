// Plans the management host's work: group changes from many hosts become one Run Command per
// (management host, domain, group, action, delete flag, purpose), at most MAX_NAMES names each.
// Pure; the directory handler sends what this plans.
import * as z from 'zod';
import { INSTANCE_ID_SHAPE, patterns } from '../config/patterns';
import type { GroupChange } from '../workflow/types';

/** One command changes at most this many accounts: it stays far below the document's limits and the execution timeout. */
export const MAX_NAMES = 50;

/**
 * A resolve prints an identity line per name (JSON with the DN and dNSHostName), a membership line and a result
 * line: up to about 1,100 characters a name with long DNs. GetCommandInvocation returns only the first 24,000
 * characters of output (aws-facts 4.3), so 50 names could lose the last hosts' lines (a 1000-host burst did: 6
 * launches failed with "printed no result"). 20 names keep every line within it.
 */
export const MAX_RESOLVE_NAMES = 20;

/** The most names one command of this action carries. */
export function namesPerCommand(action: GroupChange['action']): number {
  return action === 'resolve' ? MAX_RESOLVE_NAMES : MAX_NAMES;
}

export const groupChangeSchema = z.object({
  instanceId: z.string().regex(patterns.instanceId, `must be ${INSTANCE_ID_SHAPE}`),
  fleet: z.string().regex(patterns.fleetName, 'must be a fleet name'),
  managementInstanceId: z.string().regex(patterns.instanceId, `must be ${INSTANCE_ID_SHAPE}`),
  domainName: z.string().regex(patterns.dnsName, 'must be a DNS domain name'),
  hostGroup: z.string().regex(patterns.adGroupName, 'must be an AD group name'),
  computerAccount: z.string().regex(patterns.computerAccount, 'must be a NetBIOS name followed by $'),
  objectSid: z.string().regex(patterns.objectSid, 'must be a domain SID (S-1-5-21-...)').optional(),
  action: z.enum(['resolve', 'add', 'remove', 'delete']),
  deleteComputerAccount: z.boolean(),
  purpose: z.enum(['resolve', 'authorize', 'deauthorize', 'undo']),
}) satisfies z.ZodType<GroupChange>;

export interface Batch<T> {
  managementInstanceId: string;
  domainName: string;
  hostGroup: string;
  action: GroupChange['action'];
  deleteComputerAccount: boolean;
  purpose: GroupChange['purpose'];
  /** One item per host; a duplicate delivery of the same host's change rides along without a second name. */
  items: { change: GroupChange; ref: T }[];
}

export function planBatches<T>(items: { change: GroupChange; ref: T }[], maxNames = MAX_NAMES): Batch<T>[] {
  const groups = new Map<string, { change: GroupChange; ref: T }[]>();
  for (const item of items) {
    const c = item.change;
    const key = [
      c.managementInstanceId,
      c.domainName.toLowerCase(),
      c.hostGroup,
      c.action,
      c.deleteComputerAccount,
      c.purpose,
    ].join('|');
    const list = groups.get(key) ?? [];
    list.push(item);
    groups.set(key, list);
  }
  return [...groups.values()].flatMap((list) =>
    split(list, Math.min(maxNames, namesPerCommand((list[0] as { change: GroupChange }).change.action))),
  );
}

const sidOf = (change: GroupChange) => change.objectSid ?? '-';

/**
 * At most maxNames names a batch, each name with one objectSID: a name two records hold with different SIDs
 * (a name reused while a cleanup is pending) waits for the next batch, so every result line means one object.
 */
function split<T>(list: { change: GroupChange; ref: T }[], maxNames: number): Batch<T>[] {
  const batches: Batch<T>[] = [];
  let rest = list;
  while (rest.length > 0) {
    const deferred: typeof list = [];
    let current: typeof list = [];
    let sids = new Map<string, string>();
    for (const item of rest) {
      const name = item.change.computerAccount.toUpperCase();
      const seen = sids.get(name);
      if (seen !== undefined && seen !== sidOf(item.change)) {
        deferred.push(item);
        continue;
      }
      if (seen === undefined && sids.size === maxNames) {
        batches.push(toBatch(current));
        current = [];
        sids = new Map();
      }
      sids.set(name, sidOf(item.change));
      current.push(item);
    }
    if (current.length > 0) batches.push(toBatch(current));
    rest = deferred;
  }
  return batches;
}

function toBatch<T>(items: { change: GroupChange; ref: T }[]): Batch<T> {
  const first = (items[0] as { change: GroupChange }).change;
  return {
    managementInstanceId: first.managementInstanceId,
    domainName: first.domainName,
    hostGroup: first.hostGroup,
    action: first.action,
    deleteComputerAccount: first.deleteComputerAccount,
    purpose: first.purpose,
    items,
  };
}

/**
 * The GroupChange document's parameters for a batch; every value already matches the document's allowedPattern.
 * ObjectSids pairs each name with the objectSID its record proved (`-` for resolve or a record without one).
 */
export function groupChangeParameters(batch: Batch<unknown>): Record<string, string[]> {
  const sids = new Map(batch.items.map((i) => [i.change.computerAccount.toUpperCase(), sidOf(i.change)]));
  return {
    Action: [batch.action],
    GroupName: [batch.hostGroup],
    ComputerNames: [[...sids.keys()].join(',')],
    ObjectSids: [[...sids.values()].join(',')],
    DeleteComputerAccount: [String(batch.deleteComputerAccount)],
    DomainName: [batch.domainName],
  };
}
