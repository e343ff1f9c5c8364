// SQS batch plumbing shared by the queue-driven functions: parse each body with a schema, report the
// messages that must come back (transient failures) and drop the ones that never can (logged).
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import type { z } from 'zod';
import { describeIssues } from '../config/load';
import type { Telemetry } from './engine';

export interface BatchResult {
  batchItemFailures: { itemIdentifier: string }[];
}

export function parseMessages<S extends z.ZodType>(
  event: SQSEvent,
  schema: S,
  telemetry: Telemetry,
): { message: SQSRecord; body: z.output<S> }[] {
  const parsed: { message: SQSRecord; body: z.output<S> }[] = [];
  for (const message of event.Records ?? []) {
    let json: unknown;
    try {
      json = JSON.parse(message.body);
    } catch {
      telemetry.log('error', 'queue message is not JSON; dropped', { messageId: message.messageId });
      continue;
    }
    const result = schema.safeParse(json);
    if (result.success) parsed.push({ message, body: result.data });
    else
      telemetry.log('error', `queue message dropped: ${describeIssues(result.error)}`, {
        messageId: message.messageId,
      });
  }
  return parsed;
}
