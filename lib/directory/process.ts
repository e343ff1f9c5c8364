// The directory function's work, the only one whose role reaches the management hosts: guard and claim each
// queued change, put it on its management host's lane (group commit, lib/directory/lane.ts), send what the
// lane lets go as one GroupChange command per batch, index it, and tell every host in the batch which command
// carries it; send the member listings the reconciler asks for.
import { randomUUID } from 'node:crypto';
import type { SSMClient } from '@aws-sdk/client-ssm';
import type { SQSEvent } from 'aws-lambda';
import * as z from 'zod';
import { classify, describeError, isAwsError } from '../aws/errors';
import { sendManagementCommand } from '../aws/ssm';
import { INSTANCE_ID_SHAPE, patterns } from '../config/patterns';
import { deliver, type EngineDeps } from '../engine/engine';
import { type BatchResult, parseMessages } from '../engine/queue';
import { MAX_LISTING_PAGES, sendMemberListing } from '../engine/scavenge';
import { START_AFTER } from '../workflow/scavenge';
import type { GroupChange } from '../workflow/types';
import { type Batch, groupChangeParameters, groupChangeSchema, planBatches } from './batch';
import { checkChange } from './guard';
import { type LaneEntry, laneKey, PACE_SECONDS } from './lane';
import { enterLane, releaseLane, returnToLane } from './lane-store';

export interface DirectoryDeps extends EngineDeps {
  ssm: SSMClient;
  groupChangeDocument: string;
  listMembersDocument: string;
  /** Asks for a flush of a lane `delaySeconds` from now (the directory queue): the deadline of what waits on it. */
  requestFlush: (lane: LaneId, delaySeconds: number) => Promise<void>;
}

/** Which lane: a management host and a purpose (lib/directory/lane.ts). */
export type LaneId = Pick<GroupChange, 'managementInstanceId' | 'purpose'>;

/**
 * The reconciler's request to list a fleet's host group, or the command-status function's request for a
 * listing's next page (listing, page and after together; lib/engine/scavenge.ts).
 */
const listingSchema = z
  .object({
    request: z.literal('list-members'),
    fleet: z.string().regex(patterns.fleetName, 'must be a fleet name'),
    listing: z
      .string()
      .regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/, 'must be a command id')
      .optional(),
    page: z
      .number()
      .int()
      .min(1)
      .max(MAX_LISTING_PAGES - 1)
      .optional(),
    after: z.string().regex(START_AFTER, 'must be - or an upper-case computer account such as BUILD01$').optional(),
  })
  .refine((r) => [r.listing, r.page, r.after].every((v) => v === undefined) || (r.listing && r.page && r.after), {
    message: 'listing, page and after come together',
    path: ['listing'],
  });

/**
 * The command-status function's word that a lane's send ended with changes waiting on it (lib/directory/lane.ts).
 * It carries no change: the changes come from the lane, and each is guarded again before it goes out.
 */
const flushSchema = z.object({
  request: z.literal('flush'),
  managementInstanceId: z.string().regex(patterns.instanceId, `must be ${INSTANCE_ID_SHAPE}`),
  purpose: groupChangeSchema.shape.purpose,
});

/** Requests name a `request` (a flush, or a listing); everything else must be a group change (and fails as one, by field). */
function split(event: SQSEvent): { listings: SQSEvent; flushes: SQSEvent; changes: SQSEvent } {
  const requestOf = (body: string) => {
    try {
      return (JSON.parse(body) as { request?: unknown } | null)?.request;
    } catch {
      return undefined;
    }
  };
  const records = event.Records ?? [];
  const of = (test: (request: unknown) => boolean) => ({ Records: records.filter((r) => test(requestOf(r.body))) });
  return {
    listings: of((request) => request !== undefined && request !== 'flush'),
    flushes: of((request) => request === 'flush'),
    changes: of((request) => request === undefined),
  };
}

interface LaneWork {
  lane: LaneId;
  /** The changes this invocation guarded and claimed. */
  arrivals: LaneEntry[];
}

export async function handleGroupChanges(deps: DirectoryDeps, event: SQSEvent): Promise<BatchResult> {
  const lanes = new Map<string, LaneWork>();
  const work = (lane: LaneId) => {
    const found = lanes.get(laneKey(lane)) ?? {
      lane: { managementInstanceId: lane.managementInstanceId, purpose: lane.purpose },
      arrivals: [],
    };
    lanes.set(laneKey(lane), found);
    return found;
  };
  const failures: BatchResult['batchItemFailures'] = [];
  const { listings, flushes, changes } = split(event);
  for (const { message, body } of parseMessages(listings, listingSchema, deps.telemetry, 'directory'))
    if (await listMembers(deps, body)) failures.push({ itemIdentifier: message.messageId });
  for (const { body } of parseMessages(flushes, flushSchema, deps.telemetry, 'directory')) work(body);
  for (const { body } of parseMessages(changes, groupChangeSchema, deps.telemetry, 'directory')) {
    const verdict = checkChange(deps.config, await deps.store.get(body.instanceId), body);
    const claimId = verdict.ok ? await claim(deps, body) : undefined;
    if (claimId) work(body).arrivals.push({ change: body, claimId });
    else if (verdict.ok)
      deps.telemetry.log('info', 'group change skipped: claimed by another invocation', {
        instanceId: body.instanceId,
      });
    else if (verdict.stale)
      deps.telemetry.log('info', `group change skipped: ${verdict.reason}`, { instanceId: body.instanceId });
    else {
      deps.telemetry.metric({ name: 'EventRejected', unit: 'Count', value: 1, dimensions: { Source: 'directory' } });
      deps.telemetry.log('error', `group change refused: ${verdict.reason}`, {
        instanceId: body.instanceId,
        fleet: body.fleet,
      });
    }
  }
  for (const { lane, arrivals } of lanes.values()) await commitToLane(deps, lane, arrivals);
  return { batchItemFailures: failures };
}

/** A take whose changes all turned out stale frees the lane again; what arrived meanwhile goes next, this often. */
const TAKES = 3;

/**
 * Group commit: the arrivals go out now, with whatever waited, when the lane lets them (lib/directory/lane.ts),
 * or wait on it for the send in flight to end or the pace to allow the next. A change whose send is throttled
 * waits on the lane again; its message is done with either way (the lane holds the change now).
 */
async function commitToLane(deps: DirectoryDeps, lane: LaneId, fresh: LaneEntry[]): Promise<void> {
  const key = laneKey(lane);
  let arrivals = fresh;
  for (let take = 0; take < TAKES; take++) {
    const token = randomUUID();
    const claimed = new Set(arrivals.map((a) => a.claimId));
    const { send, flushIn } = await enterLane(deps.store, key, arrivals, deps.now(), token);
    arrivals = [];
    if (flushIn !== undefined) await askFlush(deps, lane, flushIn);
    if (send.length === 0) return;
    let sent = false;
    const unsent: LaneEntry[] = [];
    for (const batch of planBatches(await stillWanted(deps, send, claimed))) {
      // Once SSM throttles, the rest of the take waits too: sending on would only be throttled again.
      const outcome = unsent.length > 0 ? 'throttled' : await sendBatch(deps, batch, { key, token });
      if (outcome === 'sent') sent = true;
      if (outcome === 'throttled') unsent.push(...batch.items.map(({ change, ref }) => ({ change, claimId: ref })));
    }
    if (unsent.length > 0) return waitAgain(deps, lane, token, unsent, sent);
    if (sent || !(await releaseLane(deps.store, key, token, deps.now()))) return;
  }
}

/**
 * Throttled changes wait on the lane again, claims kept, and go with the flush a pace later. Returning their
 * messages to SQS instead held them for the queue's visibility timeout (720 s), long after their hosts had
 * presumed them lost, searched SSM and resent. If the lane cannot be written the hosts do exactly that.
 */
async function waitAgain(
  deps: DirectoryDeps,
  lane: LaneId,
  token: string,
  entries: LaneEntry[],
  sentSome: boolean,
): Promise<void> {
  try {
    await returnToLane(deps.store, laneKey(lane), token, entries, sentSome);
  } catch (error) {
    if (!isAwsError(error)) throw error;
    deps.telemetry.log('warn', 'throttled group changes could not wait on the lane; their hosts will resend', {
      lane: laneKey(lane),
      error: describeError(error),
    });
    return;
  }
  await askFlush(deps, lane, PACE_SECONDS);
}

/**
 * The flush at the pace. Not asking is not lost work: the waiting changes still go when the lane's send ends,
 * with the next arrival after the pace, or when their records resend (COMMAND_LOST_AFTER).
 */
async function askFlush(deps: DirectoryDeps, lane: LaneId, delaySeconds: number): Promise<void> {
  try {
    await deps.requestFlush(lane, delaySeconds);
  } catch (error) {
    if (!isAwsError(error)) throw error;
    deps.telemetry.log('warn', 'could not ask for a lane flush; the lane sends when its change ends', {
      lane: laneKey(lane),
      error: describeError(error),
    });
  }
}

/**
 * The changes taken from the lane that still stand: this invocation's arrivals (just guarded and claimed), and
 * waiting ones whose record still asks for them under the same claim (a record may have moved on, failed, or
 * resent under a newer claim while the change waited). Each keeps its claim as the batch item's ref.
 */
async function stillWanted(
  deps: DirectoryDeps,
  taken: LaneEntry[],
  claimed: Set<string>,
): Promise<{ change: GroupChange; ref: string }[]> {
  const wanted: { change: GroupChange; ref: string }[] = [];
  for (const { change, claimId } of taken) {
    if (claimed.has(claimId)) {
      wanted.push({ change, ref: claimId });
      continue;
    }
    const record = await deps.store.get(change.instanceId);
    const verdict = checkChange(deps.config, record, change);
    if (verdict.ok && record?.pending?.claimId === claimId) wanted.push({ change, ref: claimId });
    else
      deps.telemetry.log('info', 'waiting group change dropped: the record moved on', {
        instanceId: change.instanceId,
        reason: verdict.ok ? 'claimed again since' : verdict.reason,
      });
  }
  return wanted;
}

/** Returns true when the request should come back from SQS (a transient failure). */
async function listMembers(deps: DirectoryDeps, request: z.output<typeof listingSchema>): Promise<boolean> {
  const { fleet, listing, page, after } = request;
  const next = listing && page && after ? { listing, page, after } : undefined;
  try {
    await sendMemberListing(deps, deps.ssm, deps.listMembersDocument, fleet, next);
    return false;
  } catch (error) {
    if (!isAwsError(error)) throw error;
    // The next scavenge interval asks again: a listing is never urgent.
    deps.telemetry.log('warn', 'could not list host group members', { fleet, error: describeError(error) });
    return classify(error) === 'retryable';
  }
}

/** Asks the host's record for the right to send its change: SQS may hand duplicates to two invocations at once. */
async function claim(deps: DirectoryDeps, change: GroupChange): Promise<string | undefined> {
  const claimId = randomUUID();
  const record = await deliver(deps, change.instanceId, {
    type: 'claim',
    at: deps.now(),
    purpose: change.purpose,
    claimId,
  });
  return record?.pending?.claimId === claimId ? claimId : undefined;
}

/**
 * Sends one batch under the lane's token. `throttled`: SSM refused for now (throttling, a transient fault) and
 * the caller puts the batch back on the lane; `failed`: refused for good, and each host was told.
 */
async function sendBatch(
  deps: DirectoryDeps,
  batch: Batch<string>,
  lane: { key: string; token: string },
): Promise<'sent' | 'throttled' | 'failed'> {
  const instanceIds = [...new Set(batch.items.map((item) => item.change.instanceId))];
  let commandId: string;
  try {
    commandId = await sendManagementCommand(deps.ssm, {
      documentName: deps.groupChangeDocument,
      instanceId: batch.managementInstanceId,
      parameters: groupChangeParameters(batch),
      comment: `gmsa-ready ${batch.purpose} ${instanceIds.length} host(s)`,
    });
  } catch (error) {
    if (!isAwsError(error)) throw error;
    const kind = classify(error);
    if (kind === 'retryable') return 'throttled';
    const failed = { type: 'failed', effect: 'enqueueGroupChange', kind, message: describeError(error) } as const;
    for (const id of instanceIds) await deliver(deps, id, { ...failed, at: deps.now() });
    return 'failed';
  }
  // The command went out: never return this batch to SQS now, that would send it again. A host whose record
  // misses the command id below finds it in SSM (ListCommands) before anything is resent.
  try {
    await deps.store.putCommand({
      commandId,
      purpose: batch.purpose,
      documentName: deps.groupChangeDocument,
      targetInstanceId: batch.managementInstanceId,
      instanceIds,
      sentAt: deps.now(),
      lane,
    });
  } catch (error) {
    deps.telemetry.log('error', 'group change sent but not indexed; hosts will find it in SSM', {
      commandId,
      error: String(error),
    });
  }
  for (const id of instanceIds) {
    try {
      await deliver(deps, id, { type: 'commandSent', at: deps.now(), purpose: batch.purpose, commandId });
    } catch (error) {
      deps.telemetry.log('error', 'group change sent but not recorded; the host will find it in SSM', {
        instanceId: id,
        commandId,
        error: String(error),
      });
    }
  }
  return 'sent';
}
