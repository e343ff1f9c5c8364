// AWS's request-rate quotas and Lambda's concurrency, modelled (issue 16): one token bucket per API with
// the SDK's retries of a throttled call, and a concurrency pool the functions' invocations share. The values
// and their sources are the table in docs/performance.md ("Quotas"); test/sandbox/quotas.test.ts keeps the two equal.
import { clientConfig } from '../aws/client-config';
import { Random } from './random';

export interface ApiQuota {
  /** Sustained rate: the bucket's refill, requests per second. */
  perSecond: number;
  /** Bucket size: requests allowed at once after a quiet spell. */
  burst: number;
  /** The error code the API answers when over quota. */
  error: string;
  /** APIs that draw on one bucket together name it here (absent: the API has its own). */
  bucket?: string;
}

/**
 * Per-API quotas, per account and Region. Sources (docs/performance.md cites each row):
 * - ECS: "Request throttling for the Amazon ECS API" (token bucket, ThrottlingException; read actions'
 *   example bucket 50 tokens, refill 20/s). Write actions: the page's per-action row was not available; 50/5 chosen.
 * - SSM: GetParameter 40 TPS shared by GetParameter(s) (aws-facts.md, Parameter Store throughput).
 *   Run Command and DescribeInstanceInformation: no published rate in the sources found (aws-facts.md, Run
 *   Command: "Per-API TPS ... not documented"); conservative values chosen. Error: ThrottlingException (aws-facts.md).
 * - Tagging API (TagResources): the Tag Editor quotas page lists per-operation call rates (GetResources 15/s);
 *   5/s chosen for TagResources. Error: ThrottledException (Resource Groups Tagging API reference).
 * - Auto Scaling: no published rate found; 10/s chosen. Error: Throttling (Auto Scaling common errors, Query API).
 *   All EC2 Auto Scaling API calls share one limit per account and Region (AWS Knowledge Center, "My Auto Scaling
 *   API calls are throttled"), so its APIs draw on one bucket, `autoscaling`.
 * - EC2: "Request throttling for the Amazon EC2 API" (non-mutating actions bucket 100, refill 20/s; CreateTags
 *   has its own bucket, 100/10 chosen). Error: RequestLimitExceeded.
 * - SQS standard queues: "nearly unlimited" API rate (SQS quotas); 3,000/s chosen so it never binds a burst here.
 * - S3 GetObject 5,500/s per prefix; Secrets Manager GetSecretValue/DescribeSecret 10,000/s (their quotas pages).
 * - IAM SimulatePrincipalPolicy: no published rate found; 5/s chosen.
 * DynamoDB is dynalite (real), not modelled here: on-demand tables throttle by capacity, not by request count.
 */
export const API_QUOTAS: Record<string, ApiQuota> = {
  'autoscaling:CompleteLifecycleAction': { perSecond: 10, burst: 20, error: 'Throttling', bucket: 'autoscaling' },
  'autoscaling:RecordLifecycleActionHeartbeat': {
    perSecond: 10,
    burst: 20,
    error: 'Throttling',
    bucket: 'autoscaling',
  },
  'autoscaling:DescribeAutoScalingInstances': { perSecond: 10, burst: 20, error: 'Throttling', bucket: 'autoscaling' },
  'ec2:DescribeInstances': { perSecond: 20, burst: 100, error: 'RequestLimitExceeded' },
  'ec2:CreateTags': { perSecond: 10, burst: 100, error: 'RequestLimitExceeded' },
  'ecs:ListContainerInstances': { perSecond: 20, burst: 50, error: 'ThrottlingException' },
  'ecs:DescribeContainerInstances': { perSecond: 20, burst: 50, error: 'ThrottlingException' },
  'ecs:PutAttributes': { perSecond: 5, burst: 50, error: 'ThrottlingException' },
  'ecs:DeleteAttributes': { perSecond: 5, burst: 50, error: 'ThrottlingException' },
  'ecs:UpdateContainerInstancesState': { perSecond: 5, burst: 50, error: 'ThrottlingException' },
  'ecs:ListTasks': { perSecond: 20, burst: 50, error: 'ThrottlingException' },
  'ecs:DescribeTasks': { perSecond: 20, burst: 50, error: 'ThrottlingException' },
  'ecs:ListServices': { perSecond: 20, burst: 50, error: 'ThrottlingException' },
  'ecs:DescribeServices': { perSecond: 20, burst: 50, error: 'ThrottlingException' },
  'ecs:DescribeTaskDefinition': { perSecond: 20, burst: 50, error: 'ThrottlingException' },
  'sqs:SendMessage': { perSecond: 3000, burst: 3000, error: 'ThrottlingException' },
  'sqs:SendMessageBatch': { perSecond: 3000, burst: 3000, error: 'ThrottlingException' },
  'ssm:DescribeInstanceInformation': { perSecond: 10, burst: 20, error: 'ThrottlingException' },
  'ssm:SendCommand': { perSecond: 10, burst: 20, error: 'ThrottlingException' },
  'ssm:GetCommandInvocation': { perSecond: 20, burst: 40, error: 'ThrottlingException' },
  'ssm:ListCommands': { perSecond: 10, burst: 20, error: 'ThrottlingException' },
  'ssm:GetParameter': { perSecond: 40, burst: 40, error: 'ThrottlingException' },
  'tagging:TagResources': { perSecond: 5, burst: 10, error: 'ThrottledException' },
  's3:GetObject': { perSecond: 5500, burst: 5500, error: 'SlowDown' },
  'secretsmanager:DescribeSecret': { perSecond: 10000, burst: 10000, error: 'ThrottlingException' },
  'secretsmanager:GetSecretValue': { perSecond: 10000, burst: 10000, error: 'ThrottlingException' },
  'iam:SimulatePrincipalPolicy': { perSecond: 5, burst: 10, error: 'Throttling' },
};

/**
 * EC2's resource rate limit on instance launches: RunInstances (which Auto Scaling calls for a scale-out) also
 * spends one resource token per instance from a bucket of 1,000 refilled at 2 per second ("Request throttling
 * for the Amazon EC2 API", resource rate limiting; the bucket and refill values as AWS support quotes them on
 * re:Post, "EC2 throttling and batch operations"). Past it, Auto Scaling's launches wait: a burst of more than
 * 1,000 hosts cannot all boot at once, whatever the scale-out asked for.
 */
export const INSTANCE_LAUNCHES = { api: 'ec2:RunInstances', perSecond: 2, burst: 1000 } as const;

/**
 * Concurrent executions per function: serverless.yml reserves none, so every function draws on the
 * account's unreserved pool, 1,000 by default (Lambda quotas: "Concurrent executions"). Over it, Lambda
 * answers TooManyRequestsException: an asynchronous event is kept and retried for up to 6 hours with a
 * backoff from 1 s to 5 minutes (aws-facts.md, Lambda async invocation); an SQS batch goes back to the queue.
 */
export const ACCOUNT_CONCURRENCY = 1000;

/**
 * Modelled run time of one invocation, for concurrency only (handlers run in zero virtual time): a base plus
 * a round trip per AWS call it made. No source: in-Region AWS calls take milliseconds to tens of milliseconds;
 * these are on the long side, so the pool is reached sooner than in reality.
 */
export const INVOCATION_BASE_SECONDS = 0.1;
export const SECONDS_PER_CALL = 0.03;

/** SDK v3 throttling backoff: full jitter over min(20 s, base * 2^retry), base 1 s in this SDK's retry config. */
const THROTTLING_DELAY_BASE = 1;
const MAXIMUM_RETRY_DELAY = 20;

export interface QuotasReport {
  limits: Record<string, number>;
  throttled: Record<string, number>;
}

/** An API call's admission: undefined when it went through (maybe after retries), else the error of the last attempt. */
export interface Throttle {
  name: string;
  message: string;
}

export class Quotas {
  readonly throttled: Record<string, number> = {};
  /** Per API, the generic cell rate algorithm's theoretical arrival time (a token bucket, in one number). */
  private readonly tat = new Map<string, number>();
  /** End times of the invocations still running, account-wide (virtual seconds). */
  private running: number[] = [];
  private readonly random: Random;

  constructor(seed: number) {
    // Its own stream, so turning quotas on or off never changes names, ids or tokens.
    this.random = new Random((seed ^ 0x51f15e) >>> 0);
  }

  /**
   * One SDK call of `api` at virtual time `now`, with the client's retries (clientConfig.maxAttempts,
   * throttling backoff with full jitter). Each attempt takes a token at the time it is made; an attempt that
   * finds the bucket empty is a throttled response. The handler itself still runs in zero virtual time: the
   * waits between attempts count for the bucket, not for the host's timings.
   */
  admit(api: string, now: number): Throttle | undefined {
    const quota = API_QUOTAS[api];
    if (!quota) return undefined;
    const interval = 1 / quota.perSecond;
    let at = now;
    for (let attempt = 1; ; attempt++) {
      const bucket = quota.bucket ?? api;
      const tat = Math.max(this.tat.get(bucket) ?? at, at);
      if (tat - at <= (quota.burst - 1) * interval) {
        this.tat.set(bucket, tat + interval);
        return undefined;
      }
      this.throttled[api] = (this.throttled[api] ?? 0) + 1;
      if (attempt >= clientConfig.maxAttempts) return { name: quota.error, message: 'Rate exceeded' };
      at += this.random.next() * Math.min(MAXIMUM_RETRY_DELAY, THROTTLING_DELAY_BASE * 2 ** (attempt - 1));
    }
  }

  /**
   * When an instance Auto Scaling launches at `now` boots: at once while EC2's launch tokens last, else when
   * the next token refills (INSTANCE_LAUNCHES). A launch that had to wait counts as throttled.
   */
  instanceLaunchAt(now: number): number {
    const { api, perSecond, burst } = INSTANCE_LAUNCHES;
    const interval = 1 / perSecond;
    const tat = Math.max(this.tat.get(api) ?? now, now);
    const at = Math.max(now, tat - (burst - 1) * interval);
    this.tat.set(api, tat + interval);
    if (at > now) this.throttled[api] = (this.throttled[api] ?? 0) + 1;
    return at;
  }

  /** Whether an invocation of `fn` may start at `now`: false (counted as throttled) when the pool is full. */
  startInvocation(fn: string, now: number): boolean {
    this.running = this.running.filter((end) => end > now);
    if (this.running.length < ACCOUNT_CONCURRENCY) return true;
    const key = `lambda:${fn}`;
    this.throttled[key] = (this.throttled[key] ?? 0) + 1;
    return false;
  }

  /** Holds a concurrency slot for the invocation's modelled run time. */
  endInvocation(startedAt: number, calls: number): void {
    this.running.push(startedAt + INVOCATION_BASE_SECONDS + SECONDS_PER_CALL * calls);
  }

  report(functions: readonly string[]): QuotasReport {
    return {
      limits: {
        ...Object.fromEntries(Object.entries(API_QUOTAS).map(([api, q]) => [api, q.perSecond])),
        [INSTANCE_LAUNCHES.api]: INSTANCE_LAUNCHES.perSecond,
        ...Object.fromEntries(functions.map((fn) => [`lambda:${fn}`, ACCOUNT_CONCURRENCY])),
      },
      throttled: { ...this.throttled },
    };
  }
}
