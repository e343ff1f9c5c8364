// gmsa-ready's Lambda functions, invoked the way their triggers would: environment from the world, a fake Lambda
// context, one cold start per run. Their handlers are the source modules loaded in-process (the default), or the
// built bundles, each in its own process (lib/sandbox/bundle-processes.ts): what ships, run as Lambda runs it.
import { AsyncLocalStorage } from 'node:async_hooks';
import { join } from 'node:path';
import type { Context } from 'aws-lambda';
import type { FunctionKey } from '../infra/names';
import { BundleProcess } from './bundle-processes';
import type { World } from './world';

export type FunctionName = 'lifecycle' | 'command-status' | 'continue' | 'directory' | 'reconciler';

/** The stack's function key of each (its role: lib/infra/names.ts; serverless.yml's function, so its bundle's name). */
export const KEYS: Record<FunctionName, FunctionKey> = {
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

/**
 * Where the handlers come from. `bundles`: a directory with one `<function key>.mjs` per function, built with
 * serverless.yml's esbuild options (lib/bench/bundles.ts), each run in its own process with `env(name)` as its
 * environment and `now()` as its clock.
 */
export interface BundleSource {
  dir: string;
  env: (name: FunctionName) => NodeJS.ProcessEnv;
  now: () => number;
  /** The Node binary running the bundles; default: the sandbox's own. */
  node?: string;
}

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

/** The access key a function's bundle signs with: the wire (lib/sandbox/wire.ts) knows the caller by it. */
export function accessKeyFor(name: FunctionName): string {
  return `ASIASANDBOX${KEYS[name].toUpperCase()}`;
}

/**
 * A bundle's environment: the one configure() set, as Lambda's configuration would, with the function's own
 * credentials and name, every SDK client pointed at the sandbox's endpoint (AWS_ENDPOINT_URL, which the SDK
 * reads itself) and the table's client too (GMSA_READY_DYNAMODB_ENDPOINT).
 */
export function bundleEnv(name: FunctionName, endpoint: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    AWS_ENDPOINT_URL: endpoint,
    // The SDK sends each SQS call to its QueueUrl's host: the queues' URLs on the sandbox's endpoint (wire.ts
    // maps them back to the deployed ones).
    WAKE_QUEUE_URL: onEndpoint(process.env.WAKE_QUEUE_URL, endpoint),
    DIRECTORY_QUEUE_URL: onEndpoint(process.env.DIRECTORY_QUEUE_URL, endpoint),
    GMSA_READY_DYNAMODB_ENDPOINT: endpoint,
    AWS_ACCESS_KEY_ID: accessKeyFor(name),
    AWS_SECRET_ACCESS_KEY: 'sandbox-secret',
    AWS_LAMBDA_FUNCTION_NAME: `gmsa-ready-${SANDBOX_STAGE}-${name}`,
    AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x',
  };
  // The test runner's loaders and flags are not Lambda's.
  delete env.NODE_OPTIONS;
  return env;
}

const onEndpoint = (url: string | undefined, endpoint: string) => url && `${endpoint}${new URL(url).pathname}`;

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
  private readonly processes: BundleProcess[] = [];
  private requests = 0;
  private wrap: InvocationWrapper = (_name, run) => run();

  constructor(
    private readonly account: string,
    private readonly region: string,
    private readonly bundles?: BundleSource,
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

  /** Ends the bundles' processes (nothing to do for the source handlers). */
  stop(): void {
    for (const process of this.processes) process.stop();
  }

  private async load(name: FunctionName): Promise<Handler> {
    let handler = this.handlers.get(name);
    if (!handler) {
      handler = this.bundles ? this.bundleHandler(name, this.bundles) : (await modules[name]()).handler;
      this.handlers.set(name, handler);
    }
    return handler;
  }

  private bundleHandler(name: FunctionName, source: BundleSource): Handler {
    const process = new BundleProcess({
      file: join(source.dir, `${KEYS[name]}.mjs`),
      env: source.env(name),
      node: source.node,
    });
    this.processes.push(process);
    return (event, context) => process.invoke(event, context, source.now());
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
