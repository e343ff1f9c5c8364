// Delayed continuation: a wake message (SQS DelaySeconds) becomes a tick for one host. This is how a
// step waits without sleeping in Lambda.
import type { SQSEvent } from 'aws-lambda';
import * as z from 'zod';
import { patterns } from '../config/patterns';
import { deliver, type EngineDeps } from './engine';
import { type BatchResult, parseMessages } from './queue';

const WAKE_SLACK_SECONDS = 2;

const wakeSchema = z.object({ instanceId: z.string().regex(patterns.instanceId, 'must be an EC2 instance id') });

export async function handleWakeMessages(deps: EngineDeps, event: SQSEvent): Promise<BatchResult> {
  const failures: BatchResult['batchItemFailures'] = [];
  for (const { message, body } of parseMessages(event, wakeSchema, deps.telemetry)) {
    try {
      // A wake that is no longer due (a newer wake or a reconciler tick moved the record on) must not start a
      // second polling chain; a little slack covers clock differences between Lambda hosts.
      const record = await deps.store.get(body.instanceId);
      if (record?.nextCheckAt !== undefined && record.nextCheckAt > deps.now() + WAKE_SLACK_SECONDS) continue;
      await deliver(deps, body.instanceId, { type: 'tick', at: deps.now() });
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
