// Validates an incoming event at the edge: refuses it over EventBridge's size limit, then checks its shape
// with Powertools' parser, reporting each bad field by its path.
import { parse } from '@aws-lambda-powertools/parser';
import type { z } from 'zod';
import { describeIssues, type Issue } from '../config/load';
import { MAX_EVENT_BYTES } from './schemas';

export type Validated<T> = { ok: true; value: T } | { ok: false; error: string };

/** Parses an event at the edge: size first (a 2 MB detail is refused before zod walks it), then shape. */
export function validateEvent<S extends z.ZodType>(schema: S, event: unknown): Validated<z.output<S>> {
  let size: number;
  try {
    size = Buffer.byteLength(JSON.stringify(event) ?? '');
  } catch {
    return { ok: false, error: 'event is not serialisable JSON' };
  }
  if (size > MAX_EVENT_BYTES)
    return { ok: false, error: `event is ${size} bytes, over EventBridge's ${MAX_EVENT_BYTES}-byte limit` };
  const result = parse(event, undefined, schema, true);
  if (!result.success) {
    const issues = (result.error.cause ?? []) as readonly Issue[];
    return { ok: false, error: `invalid event: ${describeIssues({ issues })}` };
  }
  return { ok: true, value: result.data as z.output<S> };
}
