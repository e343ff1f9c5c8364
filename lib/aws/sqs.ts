// SQS: group changes and member listings for the directory function, delayed wake-ups and handed-on effects.
import { SendMessageBatchCommand, SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { Effect } from '../workflow/types';
import type { EffectOf, OutcomeOf } from './outcome';

/** SQS DelaySeconds range. */
const MAX_DELAY_SECONDS = 900;

export async function enqueueGroupChange(
  sqs: SQSClient,
  queueUrl: string,
  effect: EffectOf<'enqueueGroupChange'>,
): Promise<OutcomeOf<'done'>> {
  await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: JSON.stringify(effect.change) }));
  return { type: 'done', effect: effect.type };
}

/** Whole seconds in 0..900, rounded up so a wake never arrives before it was asked for. */
export function delaySeconds(requested: number): number {
  if (Number.isNaN(requested)) return 0;
  return Math.min(MAX_DELAY_SECONDS, Math.max(0, Math.ceil(requested)));
}

/** The wake function reads this (lib/engine/wake.ts): the host, and the polling chain the wake continues. */
function wakeBody(effect: EffectOf<'wake'>): string {
  return JSON.stringify({ instanceId: effect.instanceId, chain: effect.chain });
}

export async function wake(sqs: SQSClient, queueUrl: string, effect: EffectOf<'wake'>): Promise<void> {
  await sqs.send(
    new SendMessageCommand({
      QueueUrl: queueUrl,
      MessageBody: wakeBody(effect),
      DelaySeconds: delaySeconds(effect.delaySeconds),
    }),
  );
}

/** SendMessageBatch takes at most 10 entries (SQS API reference, SendMessageBatch). */
export const WAKES_PER_BATCH = 10;

/**
 * Several wakes in one SendMessageBatch: for each, undefined when SQS took it, else why not (SQS answers each
 * entry, Successful or Failed, in a successful response).
 */
export async function wakeMany(
  sqs: SQSClient,
  queueUrl: string,
  effects: readonly EffectOf<'wake'>[],
): Promise<({ code: string; message: string; senderFault: boolean } | undefined)[]> {
  if (effects.length > WAKES_PER_BATCH)
    throw new Error(`wakeMany: ${effects.length} messages; at most ${WAKES_PER_BATCH} per batch`);
  const out = await sqs.send(
    new SendMessageBatchCommand({
      QueueUrl: queueUrl,
      Entries: effects.map((effect, i) => ({
        Id: String(i),
        MessageBody: wakeBody(effect),
        DelaySeconds: delaySeconds(effect.delaySeconds),
      })),
    }),
  );
  const failed = new Map((out.Failed ?? []).map((entry) => [entry.Id, entry]));
  return effects.map((_, i) => {
    const entry = failed.get(String(i));
    if (!entry) return undefined;
    return { code: entry.Code ?? 'error', message: entry.Message ?? '', senderFault: entry.SenderFault ?? false };
  });
}

/** An effect this function may not perform, for the function that may (lib/engine/wake.ts reads it). */
export async function handOnEffect(
  sqs: SQSClient,
  queueUrl: string,
  instanceId: string,
  effect: Effect,
): Promise<void> {
  await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: JSON.stringify({ instanceId, effect }) }));
}

/**
 * Asks the directory function to list a fleet's host group on its management host: the first page, or the
 * page a listing continues with (lib/engine/scavenge.ts).
 */
export async function requestMemberListing(
  sqs: SQSClient,
  queueUrl: string,
  fleet: string,
  next?: { listing: string; page: number; after: string },
): Promise<void> {
  const body = { request: 'list-members', fleet, ...next };
  await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: JSON.stringify(body) }));
}

/**
 * Asks the directory function to send the group changes waiting on a management host's lane
 * (lib/directory/lane.ts): now, when the lane's send ended, or at the waiting changes' deadline.
 */
export async function requestLaneFlush(
  sqs: SQSClient,
  queueUrl: string,
  lane: { managementInstanceId: string; purpose: string },
  delay = 0,
): Promise<void> {
  const body = { request: 'flush', managementInstanceId: lane.managementInstanceId, purpose: lane.purpose };
  await sqs.send(
    new SendMessageCommand({
      QueueUrl: queueUrl,
      MessageBody: JSON.stringify(body),
      DelaySeconds: delaySeconds(delay),
    }),
  );
}
