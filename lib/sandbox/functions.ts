// gmsa-ready's Lambda functions, loaded in-process exactly as deployed and invoked the way their
// triggers would: environment from the world, a fake Lambda context, one cold start per run.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Context } from 'aws-lambda';
import type { FunctionKey } from '../infra/names';
import type { World } from './world';

export type FunctionName = 'lifecycle' | 'command-status' | 'continue' | 'directory' | 'reconciler';

/** The stack's function key of each (its role: lib/infra/names.ts). */
const KEYS: Record<FunctionName, FunctionKey> = {
  lifecycle: 'lifecycle',
  'command-status': 'commandStatus',
  continue: 'continue',
  directory: 'directory',
  reconciler: 'reconciler',
};

/** The function whose invocation is running, so the SDK calls it makes are judged by its role (lib/sandbox/iam.ts). */
export const invocation = new AsyncLocalStorage<{ key: FunctionKey; name: FunctionName }>();

// biome-ignore lint/suspicious/noExplicitAny: each handler has its own event and result type.
type Handler = (event: any, context: Context) => Promise<any>;

const modules: Record<FunctionName, () => Promise<{ handler: Handler }>> = {
  lifecycle: () => import('../../functions/lifecycle'),
  'command-status': () => import('../../functions/command-status'),
  continue: () => import('../../functions/continue'),
  directory: () => import('../../functions/directory'),
  reconciler: () => import('../../functions/reconciler'),
};

export const SANDBOX_STAGE = 'sandbox';

/** Deployed names of the queues and documents, as the stage's stack would set them. */
export function deploymentNames(world: World) {
  const queue = (name: string) =>
    `https://sqs.${world.region}.amazonaws.com/${world.account}/gmsa-ready-${SANDBOX_STAGE}-${name}`;
  return {
    tableName: `gmsa-ready-${SANDBOX_STAGE}`,
    queueUrls: { wake: queue('wake'), directory: queue('directory') },
    documents: {
      refreshWindows: `gmsa-ready-${SANDBOX_STAGE}-RefreshWindows`,
      refreshLinux: `gmsa-ready-${SANDBOX_STAGE}-RefreshLinux`,
      joinWindows: `gmsa-ready-${SANDBOX_STAGE}-JoinWindows`,
      joinLinux: `gmsa-ready-${SANDBOX_STAGE}-JoinLinux`,
      groupChange: `gmsa-ready-${SANDBOX_STAGE}-GroupChange`,
      listMembers: `gmsa-ready-${SANDBOX_STAGE}-ListMembers`,
      doctorProbe: `gmsa-ready-${SANDBOX_STAGE}-DoctorProbe`,
    },
  };
}

export interface InvocationStats {
  invocations: number;
  errors: number;
  /** Wall-clock milliseconds spent inside the handler. */
  busyMs: number;
}

/** Runs one invocation; an instrumentation hook (the benchmark's sleep watch) may wrap it. */
export type InvocationWrapper = <R>(name: FunctionName, run: () => Promise<R>) => Promise<R>;

export class Functions {
  readonly stats = {} as Record<FunctionName, InvocationStats>;
  private readonly handlers = new Map<FunctionName, Handler>();
  private requests = 0;
  private wrap: InvocationWrapper = (_name, run) => run();

  constructor(
    private readonly account: string,
    private readonly region: string,
  ) {}

  /**
   * Sets the environment every function reads at cold start and forgets any earlier cold start. Logs and
   * metrics stay quiet unless the caller set POWERTOOLS_* itself: the report is the sandbox's output. The
   * runtime is imported only now, so its module-level logger sees these settings.
   */
  static async configure(
    world: World,
    endpoint: string,
    credentials: { accessKeyId: string; secretAccessKey: string },
  ): Promise<void> {
    process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';
    process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
    process.env.POWERTOOLS_TRACE_ENABLED ??= 'false';
    const names = deploymentNames(world);
    Object.assign(process.env, {
      GMSA_READY_CONFIG: JSON.stringify({ fleets: world.fleets }),
      GMSA_READY_DYNAMODB_ENDPOINT: endpoint,
      TABLE_NAME: names.tableName,
      WAKE_QUEUE_URL: names.queueUrls.wake,
      DIRECTORY_QUEUE_URL: names.queueUrls.directory,
      REFRESH_WINDOWS_DOCUMENT: names.documents.refreshWindows,
      REFRESH_LINUX_DOCUMENT: names.documents.refreshLinux,
      JOIN_WINDOWS_DOCUMENT: names.documents.joinWindows,
      JOIN_LINUX_DOCUMENT: names.documents.joinLinux,
      GROUP_CHANGE_DOCUMENT: names.documents.groupChange,
      LIST_MEMBERS_DOCUMENT: names.documents.listMembers,
      ACCOUNT_ID: world.account,
      AWS_REGION: world.region,
      // Only dynalite sees these: every other client is intercepted.
      AWS_ACCESS_KEY_ID: credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
    });
    delete process.env.AWS_SESSION_TOKEN;
    delete process.env.AWS_PROFILE;
    (await import('../runtime')).resetRuntime();
  }

  /**
   * Instrumentation hook: every later invocation runs inside `wrap` (the benchmark counts timers created
   * inside handlers with it). Handlers and their inputs are untouched.
   */
  wrapInvocations(wrap: InvocationWrapper): void {
    this.wrap = wrap;
  }

  /** Invokes a function; throws what the handler throws (the caller models the trigger's retries). */
  async invoke<R>(name: FunctionName, event: unknown): Promise<R> {
    const handler = await this.load(name);
    const stats = this.stats[name] ?? { invocations: 0, errors: 0, busyMs: 0 };
    this.stats[name] = stats;
    stats.invocations++;
    const started = performance.now();
    try {
      return (await invocation.run({ key: KEYS[name], name }, () =>
        this.wrap(name, () => handler(event, this.context(name))),
      )) as R;
    } catch (error) {
      stats.errors++;
      throw error;
    } finally {
      stats.busyMs += performance.now() - started;
    }
  }

  private async load(name: FunctionName): Promise<Handler> {
    let handler = this.handlers.get(name);
    if (!handler) {
      handler = (await modules[name]()).handler;
      this.handlers.set(name, handler);
    }
    return handler;
  }

  private context(name: FunctionName): Context {
    const functionName = `gmsa-ready-${SANDBOX_STAGE}-${name}`;
    return {
      callbackWaitsForEmptyEventLoop: false,
      functionName,
      functionVersion: '$LATEST',
      invokedFunctionArn: `arn:aws:lambda:${this.region}:${this.account}:function:${functionName}`,
      memoryLimitInMB: '512',
      awsRequestId: `sandbox-${++this.requests}`,
      logGroupName: `/aws/lambda/${functionName}`,
      logStreamName: 'sandbox',
      getRemainingTimeInMillis: () => 60_000,
      done: () => undefined,
      fail: () => undefined,
      succeed: () => undefined,
    };
  }
}
