// The quota model (issue 16): token buckets per API with the SDK's retries, the concurrency pool, and the
// table in docs/performance.md that gives each value its source (kept equal to the code).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { clientConfig } from '../../lib/aws/client-config';
import { ACCOUNT_CONCURRENCY, API_QUOTAS, INSTANCE_LAUNCHES, Quotas } from '../../lib/sandbox/quotas';
import { Sandbox } from '../../lib/sandbox/sandbox';
import { WIN, world } from './fixtures';

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

  it('draws every EC2 Auto Scaling API from one shared bucket (one limit per account and Region)', () => {
    const quotas = new Quotas(1);
    const complete = 'autoscaling:CompleteLifecycleAction';
    const burst = (API_QUOTAS[complete] as (typeof API_QUOTAS)[string]).burst;
    for (let i = 0; i < burst; i++) expect(quotas.admit(complete, 0)).toBeUndefined();
    // Another Auto Scaling API finds the shared bucket empty; an SSM API keeps its own.
    quotas.admit('autoscaling:DescribeAutoScalingInstances', 0);
    expect(quotas.throttled['autoscaling:DescribeAutoScalingInstances']).toBeGreaterThanOrEqual(1);
    expect(quotas.admit(API, 0)).toBeUndefined();
    expect(quotas.throttled[API]).toBeUndefined();
  });

  it('leaves an API it has no quota for alone', () => {
    expect(new Quotas(1).admit('dynamodb:PutItem', 0)).toBeUndefined();
  });
});

describe('EC2 instance launches', () => {
  it('boots a burst at once up to the launch bucket, then one launch per refill interval', () => {
    const quotas = new Quotas(1);
    const times = Array.from({ length: INSTANCE_LAUNCHES.burst + 3 }, () => quotas.instanceLaunchAt(100));
    expect(times.slice(0, INSTANCE_LAUNCHES.burst).every((t) => t === 100)).toBe(true);
    const interval = 1 / INSTANCE_LAUNCHES.perSecond;
    expect(times.slice(INSTANCE_LAUNCHES.burst)).toEqual([100 + interval, 100 + 2 * interval, 100 + 3 * interval]);
    expect(quotas.throttled[INSTANCE_LAUNCHES.api]).toBe(3);
    // A quiet spell refills the bucket.
    expect(quotas.instanceLaunchAt(100 + 3 * interval + INSTANCE_LAUNCHES.burst * interval)).toBe(
      100 + 3 * interval + INSTANCE_LAUNCHES.burst * interval,
    );
  });

  it('makes a sandbox launch past the bucket wait: the instance boots, and its hook fires, when EC2 admits it', async () => {
    const sandbox = await Sandbox.create({
      seed: 1,
      world: world({ instances: [{ instanceId: 'i-0aaaaaaaaaaaaaaa1', autoScalingGroupName: WIN }] }),
    });
    try {
      const quotas = sandbox.quotas as Quotas;
      const start = sandbox.scheduler.now();
      for (let i = 0; i < INSTANCE_LAUNCHES.burst; i++) quotas.instanceLaunchAt(start);
      sandbox.account.launch('i-0aaaaaaaaaaaaaaa1');
      const instance = sandbox.account.instances.get('i-0aaaaaaaaaaaaaaa1');
      expect(instance?.state).toBe('pending');
      await sandbox.scheduler.runUntil(start + 1 / INSTANCE_LAUNCHES.perSecond);
      expect(instance?.state).toBe('running');
      expect(instance?.launchedAt).toBe(start + 1 / INSTANCE_LAUNCHES.perSecond);
    } finally {
      await sandbox.stop();
    }
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
      if (q.bucket) expect(cells[5], api).toContain(`shared bucket \`${q.bucket}\``);
    }
    const launches = doc.split('\n').find((line) => line.startsWith(`| \`${INSTANCE_LAUNCHES.api}\` (instances) |`));
    expect(
      launches
        ?.split('|')
        .map((c) => c.trim())
        .slice(2, 4),
    ).toEqual([String(INSTANCE_LAUNCHES.perSecond), String(INSTANCE_LAUNCHES.burst)]);
  });

  it('reports the limits and throttled counts under their contract keys', () => {
    const quotas = new Quotas(1);
    const report = quotas.report(['lifecycle']);
    expect(Object.keys(report)).toEqual(['limits', 'throttled']);
    expect(report.limits[API]).toBe(quota.perSecond);
    expect(report.limits['lambda:lifecycle']).toBe(ACCOUNT_CONCURRENCY);
    expect(report.limits[INSTANCE_LAUNCHES.api]).toBe(INSTANCE_LAUNCHES.perSecond);
  });
});
