// Delayed continuation: a wake message (SQS DelaySeconds) becomes a tick for one host. This is how a
// step waits without sleeping in Lambda.
import type { SQSEvent } from 'aws-lambda';
import * as z from 'zod';
import { patterns } from '../config/patterns';
import { deliver, type EngineDeps } from './engine';
import { type BatchResult, parseMessages } from './queue';

const wakeSchema = z.object({ instanceId: z.string().regex(patterns.instanceId, 'must be an EC2 instance id') });

export async function handleWakeMessages(deps: EngineDeps, event: SQSEvent): Promise<BatchResult> {
  const failures: BatchResult['batchItemFailures'] = [];
  for (const { message, body } of parseMessages(event, wakeSchema, deps.telemetry)) {
    try {
      await deliver(deps, body.instanceId, { type: 'tick', at: deps.now(), wake: true });
    } catch (error) {
      deps.telemetry.log('warn', 'wake failed; SQS will redeliver', {
        instanceId: body.instanceId,
        error: String(error),
      });
      failures.push({ itemIdentifier: message.messageId });
    }
  }
  return { batchItemFailures: failures };
}
