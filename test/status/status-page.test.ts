import { DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Context, LambdaFunctionURLEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { STATUSES } from '../../lib/status/statuses';
import 'aws-sdk-client-mock-vitest/extend';
import { describe, expect, it, vi } from 'vitest';
import { handler, handleStatusRequest, MAX_PAGES_PER_STATUS, PAGE_SIZE } from '../../functions/status-page';
import { INSTANCE_ID_SHAPE } from '../../lib/config/patterns';
import type { CommandRef, Lane, Page, Store } from '../../lib/engine/ports';
import type { HostRecord, Status } from '../../lib/workflow/types';
import { bareRecord, fullRecord, T0 } from '../store/records';

vi.hoisted(() => {
  process.env.TABLE_NAME = 'gmsa-ready-records';
  process.env.AWS_ACCESS_KEY_ID = 'AKIDLOCAL';
  process.env.AWS_SECRET_ACCESS_KEY = 'local-secret';
});

const now = T0 + 3600;

/** An in-memory Store whose cursors are offsets; it records every call. */
class FakeStore implements Store {
  readonly listCalls: { status: Status; limit: number; cursor?: string }[] = [];
  readonly getCalls: string[] = [];
  constructor(readonly records: HostRecord[]) {}

  async get(instanceId: string) {
    this.getCalls.push(instanceId);
    return this.records.find((record) => record.instanceId === instanceId);
  }
  async put(): Promise<void> {
    throw new Error('the status page must not write');
  }
  async putCommand(): Promise<void> {
    throw new Error('the status page must not write');
  }
  async getCommand(): Promise<CommandRef | undefined> {
    throw new Error('the status page does not read commands');
  }
  async getMarker(): Promise<string | undefined> {
    throw new Error('the status page does not read markers');
  }
  async putMarker(): Promise<void> {
    throw new Error('the status page must not write');
  }
  async claimIdentity(): Promise<string> {
    throw new Error('the status page must not write');
  }
  async getLane(): Promise<Lane | undefined> {
    throw new Error('the status page does not read lanes');
  }
  async putLane(): Promise<void> {
    throw new Error('the status page must not write');
  }
  async listByStatus(status: Status, options: { limit: number; cursor?: string }): Promise<Page<HostRecord>> {
    this.listCalls.push({ status, ...options });
    const matching = this.records
      .filter((record) => record.status === status)
      .sort((a, b) => b.updatedAt - a.updatedAt);
    const start = Number(options.cursor ?? 0);
    const end = start + options.limit;
    return { items: matching.slice(start, end), cursor: end < matching.length ? String(end) : undefined };
  }
}

function urlEvent(query?: Record<string, string>, method = 'GET'): LambdaFunctionURLEvent {
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: '/',
    rawQueryString: new URLSearchParams(query).toString(),
    queryStringParameters: query,
    headers: {},
    isBase64Encoded: false,
    requestContext: {
      accountId: '123456789012',
      apiId: 'abc',
      domainName: 'abc.lambda-url.us-east-1.on.aws',
      domainPrefix: 'abc',
      http: { method, path: '/', protocol: 'HTTP/1.1', sourceIp: '203.0.113.1', userAgent: 'test' },
      requestId: 'r-1',
      routeKey: '$default',
      stage: '$default',
      time: '24/Dec/2024:00:00:00 +0000',
      timeEpoch: T0 * 1000,
    },
  };
}

const id = (n: number) => `i-${n.toString(16).padStart(17, '0')}`;

describe('handleStatusRequest', () => {
  it('renders every status as an HTML page', async () => {
    const store = new FakeStore([
      bareRecord({ instanceId: id(1), step: 'join' }),
      bareRecord({ instanceId: id(2), status: 'FAILED', reason: 'join failed: <bad>' }),
      bareRecord({ instanceId: id(3), status: 'READY' }),
    ]);
    const response = await handleStatusRequest(urlEvent(), store, now);

    expect(response.statusCode).toBe(200);
    expect(response.headers).toMatchObject({
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      'content-security-policy': expect.stringContaining("default-src 'none'"),
    });
    expect(response.body).toContain('<title>gmsa-ready status</title>');
    expect(response.body).toContain(`data-instance="${id(1)}" data-status="LAUNCHING" data-step="join"`);
    expect(response.body).toContain('join failed: &lt;bad&gt;');
    expect(response.body).toContain('data-count="READY">1<');
    expect(new Set(store.listCalls.map((call) => call.status))).toEqual(new Set(STATUSES));
    expect(store.listCalls.every((call) => call.limit === PAGE_SIZE)).toBe(true);
    expect(store.getCalls).toEqual([]);
    expect(response.body).not.toContain('id="truncated"');
  });

  it('reads a bounded number of pages per status and says the counts are partial', async () => {
    const total = PAGE_SIZE * MAX_PAGES_PER_STATUS + 5;
    const many = Array.from({ length: total }, (_, n) =>
      bareRecord({ instanceId: id(n + 1), status: 'TERMINATED', step: 'done', updatedAt: T0 + n }),
    );
    const store = new FakeStore(many);
    const response = await handleStatusRequest(urlEvent(), store, now);

    const terminatedCalls = store.listCalls.filter((call) => call.status === 'TERMINATED');
    expect(terminatedCalls.map((call) => call.cursor)).toEqual([undefined, '100', '200']);
    expect(response.body).toContain(`data-count="TERMINATED">${PAGE_SIZE * MAX_PAGES_PER_STATUS}<`);
    expect(response.body).toContain('id="truncated"');
  });

  it('shows the timeline of ?instance=, read with get even when the lists do not reach it', async () => {
    const old = fullRecord({ status: 'TERMINATED', step: 'done' });
    const store = new FakeStore([old]);
    store.listByStatus = async (status, options) => {
      store.listCalls.push({ status, ...options });
      return { items: [] };
    };
    const response = await handleStatusRequest(urlEvent({ instance: old.instanceId }), store, now);

    expect(response.statusCode).toBe(200);
    expect(store.getCalls).toEqual([old.instanceId]);
    expect(response.body).toContain(`<section id="timeline" data-instance="${old.instanceId}">`);
    expect(response.body).toContain('joined corp.example.com');
  });

  it('answers 404 with a page when the instance has no record', async () => {
    const response = await handleStatusRequest(urlEvent({ instance: 'i-0fffffffffffffff0' }), new FakeStore([]), now);
    expect(response.statusCode).toBe(404);
    expect(response.body).toContain('No record for this instance.');
  });

  it.each(['i-XYZ', 'i-123', 'i-0123456789ab', '<script>', 'i-0123456789abcdef0,i-0123456789abcdef1', ''])(
    'answers 400 for instance=%j without reading the store',
    async (instance) => {
      const store = new FakeStore([]);
      const response = await handleStatusRequest(urlEvent({ instance }), store, now);
      expect(response).toMatchObject({
        statusCode: 400,
        headers: { 'content-type': 'text/plain; charset=utf-8' },
        body: `instance: must be ${INSTANCE_ID_SHAPE}\n`,
      });
      expect(store.listCalls).toEqual([]);
      expect(store.getCalls).toEqual([]);
    },
  );

  it('answers 405 to anything but GET and HEAD', async () => {
    const store = new FakeStore([]);
    const response = await handleStatusRequest(urlEvent(undefined, 'POST'), store, now);
    expect(response).toMatchObject({ statusCode: 405, headers: { allow: 'GET, HEAD' } });
    expect(store.listCalls).toEqual([]);
  });
});

describe('handler', () => {
  it('queries the table named by TABLE_NAME through the byStatus index', async () => {
    const ddb = mockClient(DynamoDBDocumentClient);
    ddb.on(QueryCommand).resolves({ Items: [] });
    ddb.on(GetCommand).resolves({ Item: { ...bareRecord(), pk: 'host#i-0123456789abcdef0' } });
    const context = { functionName: 'status-page', awsRequestId: 'r-1' } as Context;

    const response = await handler(urlEvent({ instance: 'i-0123456789abcdef0' }), context);

    expect(response.statusCode).toBe(200);
    expect(ddb).toHaveReceivedCommandWith(QueryCommand, {
      TableName: 'gmsa-ready-records',
      IndexName: 'byStatus',
      ExpressionAttributeValues: { ':status': 'FAILED' },
      Limit: PAGE_SIZE,
    });
    expect(ddb).toHaveReceivedCommandTimes(QueryCommand, 11); // one per status
    expect(ddb).toHaveReceivedCommandWith(GetCommand, {
      TableName: 'gmsa-ready-records',
      Key: { pk: 'host#i-0123456789abcdef0' },
    });
    expect(response.body).toContain('<section id="timeline" data-instance="i-0123456789abcdef0">');
    ddb.restore();
  });
});
