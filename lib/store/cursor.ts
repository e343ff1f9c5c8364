// listByStatus page cursors: the GSI's LastEvaluatedKey as base64url JSON. A cursor comes back from a
// caller (CLI flag, query string), so it is validated before it reaches DynamoDB as ExclusiveStartKey.
import * as z from 'zod';
import type { Status } from '../workflow/types';

export class InvalidCursorError extends Error {
  override name = 'InvalidCursorError';
}

/** The key of an item in the byStatus index: table key plus index key. */
export interface StatusIndexKey {
  pk: string;
  status: Status;
  updatedAt: number;
}

export function encodeCursor(key: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string, status: Status): StatusIndexKey {
  if (!/^[A-Za-z0-9_-]{1,2048}$/.test(cursor)) {
    throw new InvalidCursorError('cursor: not a base64url string');
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidCursorError('cursor: does not decode to JSON');
  }
  const schema = z.strictObject({
    pk: z.string().regex(/^host#/),
    status: z.literal(status),
    updatedAt: z.number().finite(),
  });
  const result = schema.safeParse(parsed);
  if (!result.success) {
    const issue = result.error.issues[0];
    const field = issue?.path.join('.') || '(root)';
    throw new InvalidCursorError(`cursor: not a ${status} page key (${field}: ${issue?.message})`);
  }
  return result.data;
}
