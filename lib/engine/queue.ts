// SQS batch plumbing shared by the queue-driven functions: parse each body with a schema, report the
// messages that must come back (transient failures) and drop the ones that never can (logged).
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import type { z } from 'zod';
import { describeIssues } from '../config/load';
import type { Telemetry } from './engine';

export interface BatchResult {
  batchItemFailures: { itemIdentifier: string }[];
}

/** Drops what can never be processed; with `source`, each drop also counts as a rejected event (dashboards, alarms). */
export function parseMessages<S extends z.ZodType>(
  event: SQSEvent,
  schema: S,
  telemetry: Telemetry,
  source?: string,
): { message: SQSRecord; body: z.output<S> }[] {
  const drop = (reason: string, messageId: string) => {
    telemetry.log('error', `queue message dropped: ${reason}`, { messageId });
    if (source) telemetry.metric({ name: 'EventRejected', unit: 'Count', value: 1, dimensions: { Source: source } });
  };
  const parsed: { message: SQSRecord; body: z.output<S> }[] = [];
  for (const message of event.Records ?? []) {
    let json: unknown;
    try {
      json = JSON.parse(message.body);
    } catch {
      drop('not JSON', message.messageId);
      continue;
    }
    const result = schema.safeParse(json);
    if (result.success) parsed.push({ message, body: result.data });
    else drop(describeIssues(result.error), message.messageId);
  }
  return parsed;
}
