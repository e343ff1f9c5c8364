// SQS: group changes and member listings for the directory function, delayed wake-ups and handed-on effects.
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
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

export async function wake(sqs: SQSClient, queueUrl: string, effect: EffectOf<'wake'>): Promise<void> {
  await sqs.send(
    new SendMessageCommand({
      QueueUrl: queueUrl,
      MessageBody: JSON.stringify({ instanceId: effect.instanceId }),
      DelaySeconds: delaySeconds(effect.delaySeconds),
    }),
  );
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
