// The quota model (issue 16): token buckets per API with the SDK's retries, the concurrency pool, and the
// table in docs/performance.md that gives each value its source (kept equal to the code).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { clientConfig } from '../../lib/aws/client-config';
import { ACCOUNT_CONCURRENCY, API_QUOTAS, Quotas } from '../../lib/sandbox/quotas';

const API = 'ssm:SendCommand';
const quota = API_QUOTAS[API] as (typeof API_QUOTAS)[string];

describe('API token buckets', () => {
  it('lets a burst through at once, then throttles with the API own error after every SDK attempt', () => {
    const quotas = new Quotas(1);
    for (let i = 0; i < quota.burst; i++) expect(quotas.admit(API, 1000)).toBeUndefined();
    // Every retry of the next calls lands within the backoff, far too soon for 1/rate per call: some run out.
    const refused = Array.from({ length: 200 }, () => quotas.admit(API, 1000)).filter((t) => t !== undefined);
    expect(refused.length).toBeGreaterThan(0);
    expect(refused[0]).toEqual({ name: 'ThrottlingException', message: 'Rate exceeded' });
    expect(quotas.throttled[API]).toBeGreaterThanOrEqual(refused.length * clientConfig.maxAttempts);
  });

  it('refills at the sustained rate: one call per interval always goes through', () => {
    const quotas = new Quotas(1);
    for (let i = 0; i < 1000; i++) expect(quotas.admit(API, 1000 + i / quota.perSecond)).toBeUndefined();
    expect(quotas.throttled[API]).toBeUndefined();
  });

  it('a call throttled on its first attempt can succeed on a retry, after the bucket refilled', () => {
    const quotas = new Quotas(7);
    for (let i = 0; i < quota.burst; i++) quotas.admit(API, 0);
    expect(quotas.admit(API, 0)).toBeUndefined();
    expect(quotas.throttled[API]).toBeGreaterThanOrEqual(1);
  });

  it('names each service its own throttling error', () => {
    expect(API_QUOTAS['tagging:TagResources']?.error).toBe('ThrottledException');
    expect(API_QUOTAS['autoscaling:CompleteLifecycleAction']?.error).toBe('Throttling');
    expect(API_QUOTAS['ec2:DescribeInstances']?.error).toBe('RequestLimitExceeded');
    expect(API_QUOTAS['ecs:DescribeContainerInstances']?.error).toBe('ThrottlingException');
  });

  it('leaves an API it has no quota for alone', () => {
    expect(new Quotas(1).admit('dynamodb:PutItem', 0)).toBeUndefined();
  });
});

describe('Lambda concurrency', () => {
  it('refuses an invocation when the pool is full and frees the slots when their run time is over', () => {
    const quotas = new Quotas(1);
    for (let i = 0; i < ACCOUNT_CONCURRENCY; i++) {
      expect(quotas.startInvocation('lifecycle', 0)).toBe(true);
      quotas.endInvocation(0, 10);
    }
    expect(quotas.startInvocation('lifecycle', 0)).toBe(false);
    expect(quotas.throttled['lambda:lifecycle']).toBe(1);
    expect(quotas.startInvocation('lifecycle', 60)).toBe(true);
  });
});

describe('docs/performance.md quota table', () => {
  it('lists every modelled API with the code values', () => {
    const doc = readFileSync(new URL('../../docs/performance.md', import.meta.url), 'utf8');
    for (const [api, q] of Object.entries(API_QUOTAS)) {
      const row = doc.split('\n').find((line) => line.startsWith(`| \`${api}\` |`));
      expect(row, api).toBeDefined();
      const cells = (row as string).split('|').map((c) => c.trim());
      expect([cells[2], cells[3], cells[4]], api).toEqual([String(q.perSecond), String(q.burst), `\`${q.error}\``]);
    }
  });

  it('reports the limits and throttled counts under their contract keys', () => {
    const quotas = new Quotas(1);
    const report = quotas.report(['lifecycle']);
    expect(Object.keys(report)).toEqual(['limits', 'throttled']);
    expect(report.limits[API]).toBe(quota.perSecond);
    expect(report.limits['lambda:lifecycle']).toBe(ACCOUNT_CONCURRENCY);
  });
});
