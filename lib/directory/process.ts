// The directory function's work, the only one whose role reaches the management hosts: guard each queued
// change, batch them, send one GroupChange command per batch on the management host, index it, and tell
// every host in the batch which command carries it; send the member listings the reconciler asks for.
import { randomUUID } from 'node:crypto';
import type { SSMClient } from '@aws-sdk/client-ssm';
import type { SQSEvent } from 'aws-lambda';
import * as z from 'zod';
import { classify, describeError, isAwsError } from '../aws/errors';
import { sendManagementCommand } from '../aws/ssm';
import { patterns } from '../config/patterns';
import { deliver, type EngineDeps } from '../engine/engine';
import { type BatchResult, parseMessages } from '../engine/queue';
import { MAX_LISTING_PAGES, sendMemberListing } from '../engine/scavenge';
import { START_AFTER } from '../workflow/scavenge';
import type { GroupChange } from '../workflow/types';
import { type Batch, groupChangeParameters, groupChangeSchema, planBatches } from './batch';
import { checkChange } from './guard';

export interface DirectoryDeps extends EngineDeps {
  ssm: SSMClient;
  groupChangeDocument: string;
  listMembersDocument: string;
}

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
  const accepted: { change: GroupChange; ref: string }[] = [];
  const failures: BatchResult['batchItemFailures'] = [];
  const { listings, changes } = split(event);
  for (const { message, body } of parseMessages(listings, listingSchema, deps.telemetry, 'directory'))
    if (await listMembers(deps, body)) failures.push({ itemIdentifier: message.messageId });
  for (const { message, body } of parseMessages(changes, groupChangeSchema, deps.telemetry, 'directory')) {
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
  for (const batch of planBatches(accepted)) {
    const retry = await sendBatch(deps, batch);
    if (retry) failures.push(...batch.items.map((item) => ({ itemIdentifier: item.ref })));
  }
  return { batchItemFailures: failures };
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

/** Returns true when the batch should come back from SQS (a transient failure). */
async function sendBatch(deps: DirectoryDeps, batch: Batch<string>): Promise<boolean> {
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
    if (kind === 'retryable') return true;
    const failed = { type: 'failed', effect: 'enqueueGroupChange', kind, message: describeError(error) } as const;
    for (const id of instanceIds) await deliver(deps, id, { ...failed, at: deps.now() });
    return false;
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
  return false;
}
