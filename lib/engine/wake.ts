// The wake queue: a plain message becomes a tick for one host (how a step waits without sleeping in Lambda);
// a message carrying an effect is one another function's role may not perform (lib/capabilities.ts), performed
// here and answered to the host's record.
import type { SQSEvent } from 'aws-lambda';
import * as z from 'zod';
import { EFFECT_CAPABILITY } from '../capabilities';
import { INSTANCE_ID_SHAPE, patterns } from '../config/patterns';
import type { Effect } from '../workflow/types';
import { coalescing } from './coalesce';
import { deliver, type EngineDeps, performHandedOn } from './engine';
import { type BatchResult, parseMessages } from './queue';

const AWS_EFFECTS = Object.keys(EFFECT_CAPABILITY) as [
  keyof typeof EFFECT_CAPABILITY,
  ...(keyof typeof EFFECT_CAPABILITY)[],
];

const wakeSchema = z.object({
  instanceId: z.string().regex(patterns.instanceId, `must be ${INSTANCE_ID_SHAPE}`),
  /** The polling chain a delayed wake continues (Decision.pollIn). */
  chain: z.number().int().nonnegative().optional(),
  // Only the stack's own roles may send to this queue; the effect was decided by the core in another function.
  effect: z.looseObject({ type: z.enum(AWS_EFFECTS, 'must be an AWS effect type') }).optional(),
});

/**
 * Handles a batch's messages concurrently, so the hosts in it share calls (lib/engine/coalesce.ts): a
 * fleet's agent polls wake on the same grid (lib/workflow/timing.ts) and arrive in one batch.
 */
export async function handleWakeMessages(deps: EngineDeps, event: SQSEvent): Promise<BatchResult> {
  const messages = parseMessages(event, wakeSchema, deps.telemetry);
  const shared = coalescing(deps.effector, messages.length);
  const handling = { ...deps, effector: shared.effector };
  const failed = await Promise.all(
    messages.map(async ({ message, body }) => {
      try {
        if (body.effect) await performHandedOn(handling, body.instanceId, body.effect as Effect);
        else await deliver(handling, body.instanceId, { type: 'tick', at: deps.now(), wake: true, chain: body.chain });
        return [];
      } catch (error) {
        deps.telemetry.log('warn', 'wake failed; SQS will redeliver', {
          instanceId: body.instanceId,
          error: String(error),
        });
        return [{ itemIdentifier: message.messageId }];
      } finally {
        shared.leave();
      }
    }),
  );
  return { batchItemFailures: failed.flat() };
}
