// The directory function's work, the only one whose role reaches the management hosts: guard each queued
// change, batch them, send one GroupChange command per batch on the management host, index it, and tell
// every host in the batch which command carries it; send the member listings the reconciler asks for.
// Group commit (issue 16): the queue delivers at once (no batching window); a management host with no group
// change of that purpose in flight gets what arrived at once, and what arrives while one runs waits on the
// queue (DEFER_SECONDS at a time) and goes together when the running command's status event frees the lane.
// One lane per (management host, purpose): a host's resolve never waits behind another host's add.
import { randomUUID } from 'node:crypto';
import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { SSMClient } from '@aws-sdk/client-ssm';
import type { SQSEvent } from 'aws-lambda';
import * as z from 'zod';
import { classify, describeError, isAwsError } from '../aws/errors';
import { sendManagementCommand } from '../aws/ssm';
import { patterns } from '../config/patterns';
import { deliver, type EngineDeps } from '../engine/engine';
import { managementLane } from '../engine/ports';
import { type BatchResult, parseMessages } from '../engine/queue';
import { MAX_LISTING_PAGES, sendMemberListing } from '../engine/scavenge';
import { START_AFTER } from '../workflow/scavenge';
import type { GroupChange } from '../workflow/types';
import { type Batch, groupChangeParameters, groupChangeSchema, planBatches } from './batch';
import { checkChange } from './guard';

export interface DirectoryDeps extends EngineDeps {
  ssm: SSMClient;
  sqs: SQSClient;
  directoryQueueUrl: string;
  groupChangeDocument: string;
  listMembersDocument: string;
}

/** How long changes for a busy management host wait on the queue before they look again. */
export const DEFER_SECONDS = 2;
/**
 * How long a management host's lock outlives its last command if no status event frees it (a lost event):
 * after that the next changes go anyway, as they did before group commit. A 50-name GroupChange runs well
 * under this (the sandbox models 5 s + 0.2 s per name; no source for real AD timings).
 */
export const LOCK_LEASE_SECONDS = 60;
/** SendMessageBatch takes at most 10 entries (SQS API reference). */
const SQS_BATCH = 10;

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

/** Listing requests name a `request`; everything else must be a group change (and fails as one, by field). */
function split(event: SQSEvent): { listings: SQSEvent; changes: SQSEvent } {
  const isListing = (body: string) => {
    try {
      return (JSON.parse(body) as { request?: unknown } | null)?.request !== undefined;
    } catch {
      return false;
    }
  };
  const records = event.Records ?? [];
  return {
    listings: { Records: records.filter((r) => isListing(r.body)) },
    changes: { Records: records.filter((r) => !isListing(r.body)) },
  };
}

export async function handleGroupChanges(deps: DirectoryDeps, event: SQSEvent): Promise<BatchResult> {
  const failures: BatchResult['batchItemFailures'] = [];
  const { listings, changes } = split(event);
  for (const { message, body } of parseMessages(listings, listingSchema, deps.telemetry, 'directory'))
    if (await listMembers(deps, body)) failures.push({ itemIdentifier: message.messageId });
  const byLane = new Map<string, Parsed[]>();
  for (const item of parseMessages(changes, groupChangeSchema, deps.telemetry, 'directory')) {
    const lane = managementLane(item.body.managementInstanceId, item.body.purpose);
    const list = byLane.get(lane) ?? [];
    list.push(item);
    byLane.set(lane, list);
  }
  for (const [lane, items] of byLane) failures.push(...(await commitForLane(deps, lane, items)));
  return { batchItemFailures: failures };
}

type Parsed = { message: { messageId: string; body: string }; body: GroupChange };

/**
 * One lane's share of the delivery: sent now if the lane is free (the lock taken), else put back on the
 * queue for DEFER_SECONDS. Returns the messages SQS should deliver again.
 */
async function commitForLane(
  deps: DirectoryDeps,
  lane: string,
  items: Parsed[],
): Promise<BatchResult['batchItemFailures']> {
  const holder = randomUUID();
  const now = deps.now();
  if (!(await deps.store.lockManagementHost(lane, { holder, expiresAt: now + LOCK_LEASE_SECONDS }, now)))
    return defer(deps, items);
  const accepted: { change: GroupChange; ref: string }[] = [];
  const failures: BatchResult['batchItemFailures'] = [];
  for (const { message, body } of items) {
    const verdict = checkChange(deps.config, await deps.store.get(body.instanceId), body);
    if (verdict.ok && (await claim(deps, body))) accepted.push({ change: body, ref: message.messageId });
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
  let last: string | undefined;
  for (const batch of planBatches(accepted)) {
    const sent = await sendBatch(deps, batch);
    if (sent.retry) failures.push(...batch.items.map((item) => ({ itemIdentifier: item.ref })));
    last = sent.commandId ?? last;
  }
  // The last command's terminal status frees the host (lib/engine/intake.ts); nothing sent: free it now.
  if (last)
    await deps.store.lockManagementHost(
      lane,
      { holder, commandId: last, expiresAt: deps.now() + LOCK_LEASE_SECONDS },
      deps.now(),
    );
  else await deps.store.releaseManagementHost(lane, holder);
  return failures;
}

/** Puts changes for a busy management host back on the queue, delayed; a message that could not be is retried by SQS. */
async function defer(deps: DirectoryDeps, items: Parsed[]): Promise<BatchResult['batchItemFailures']> {
  const failures: BatchResult['batchItemFailures'] = [];
  for (let i = 0; i < items.length; i += SQS_BATCH) {
    const chunk = items.slice(i, i + SQS_BATCH);
    try {
      const { Failed } = await deps.sqs.send(
        new SendMessageBatchCommand({
          QueueUrl: deps.directoryQueueUrl,
          Entries: chunk.map((item, n) => ({
            Id: String(n),
            MessageBody: item.message.body,
            DelaySeconds: DEFER_SECONDS,
          })),
        }),
      );
      for (const f of Failed ?? []) {
        const item = chunk[Number(f.Id)];
        if (item) failures.push({ itemIdentifier: item.message.messageId });
      }
    } catch (error) {
      if (!isAwsError(error)) throw error;
      deps.telemetry.log('warn', 'could not defer group changes; SQS delivers them again', {
        error: describeError(error),
      });
      failures.push(...chunk.map((item) => ({ itemIdentifier: item.message.messageId })));
    }
  }
  return failures;
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
async function claim(deps: DirectoryDeps, change: GroupChange): Promise<boolean> {
  const claimId = randomUUID();
  const record = await deliver(deps, change.instanceId, {
    type: 'claim',
    at: deps.now(),
    purpose: change.purpose,
    claimId,
  });
  return record?.pending?.claimId === claimId;
}

/** `retry` when the batch should come back from SQS (a transient failure); the command id when one went out. */
async function sendBatch(deps: DirectoryDeps, batch: Batch<string>): Promise<{ retry: boolean; commandId?: string }> {
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
    if (kind === 'retryable') return { retry: true };
    const failed = { type: 'failed', effect: 'enqueueGroupChange', kind, message: describeError(error) } as const;
    for (const id of instanceIds) await deliver(deps, id, { ...failed, at: deps.now() });
    return { retry: false };
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
  return { retry: false, commandId };
}
