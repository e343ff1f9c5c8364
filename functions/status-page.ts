// Status page behind a Lambda Function URL (AWS_IAM auth): per-fleet counts, hosts in flight, failed
// hosts and, with ?instance=i-..., one instance's timeline. Read-only: it only lists and gets records.
import type { APIGatewayProxyStructuredResultV2, LambdaFunctionURLEvent } from 'aws-lambda';
import { now } from '../lib/clock';
import { INSTANCE_ID_SHAPE, patterns } from '../lib/config/patterns';
import type { Store } from '../lib/engine/ports';
import { statusRuntime } from '../lib/env';
import { initAtColdStart, lambda } from '../lib/handler';
import { renderStatusPage } from '../lib/status/page';
import { STATUSES } from '../lib/status/statuses';
import { logger } from '../lib/telemetry';
import type { HostRecord } from '../lib/workflow/types';

/** Bounds per status so a long TERMINATED tail cannot make the page slow; the page says when it was cut. */
export const PAGE_SIZE = 100;
export const MAX_PAGES_PER_STATUS = 3;
const TITLE = 'gmsa-ready status';

// No scripts, no external assets: the page needs only its own inline style.
const SECURITY_HEADERS = {
  'cache-control': 'no-store',
  'content-security-policy':
    "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

type Response = APIGatewayProxyStructuredResultV2;

function text(statusCode: number, body: string, extra: Record<string, string> = {}): Response {
  return {
    statusCode,
    headers: { 'content-type': 'text/plain; charset=utf-8', ...SECURITY_HEADERS, ...extra },
    body: `${body}\n`,
  };
}

async function readStatus(store: Store, status: HostRecord['status']) {
  const records: HostRecord[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < MAX_PAGES_PER_STATUS; page++) {
    const result = await store.listByStatus(status, { limit: PAGE_SIZE, cursor });
    records.push(...result.items);
    cursor = result.cursor;
    if (!cursor) break;
  }
  return { records, truncated: cursor !== undefined };
}

export async function handleStatusRequest(event: LambdaFunctionURLEvent, store: Store, now: number): Promise<Response> {
  const method = event.requestContext?.http?.method ?? 'GET';
  if (method !== 'GET' && method !== 'HEAD') return text(405, 'method: only GET', { allow: 'GET, HEAD' });

  const instance = event.queryStringParameters?.instance;
  if (instance !== undefined && !patterns.instanceId.test(instance)) {
    return text(400, `instance: must be ${INSTANCE_ID_SHAPE}`);
  }

  const [byStatus, selected] = await Promise.all([
    Promise.all(STATUSES.map((status) => readStatus(store, status))),
    instance === undefined ? undefined : store.get(instance),
  ]);
  const records = byStatus.flatMap((result) => result.records);
  // The selected record may be older than the bounded lists reach; show it anyway.
  if (selected && !records.some((record) => record.instanceId === selected.instanceId)) records.push(selected);

  const body = renderStatusPage({
    records,
    now,
    title: TITLE,
    selectedInstanceId: instance,
    truncated: byStatus.some((result) => result.truncated),
  });
  return {
    statusCode: instance !== undefined && !selected ? 404 : 200,
    headers: { 'content-type': 'text/html; charset=utf-8', ...SECURITY_HEADERS },
    body,
  };
}

initAtColdStart(statusRuntime);

export const handler = lambda(async (event: LambdaFunctionURLEvent): Promise<Response> => {
  const response = await handleStatusRequest(event, statusRuntime().store, Math.floor(now()));
  logger.info('status page served', {
    statusCode: response.statusCode,
    instance: event.queryStringParameters?.instance,
  });
  return response;
});
