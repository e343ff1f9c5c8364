// A sandbox run: the simulated account, the real functions wired to it the way their triggers are,
// dynalite as the store, all on one virtual clock. Create, feed it a scenario or events, run until
// quiet, read the report, stop.

import { useClock } from '../clock';
import type { Store } from '../engine/ports';
import { createDocumentClient, createDynamoStore } from '../store/dynamo';
import { IN_FLIGHT, type Status, type Transition } from '../workflow/types';
import { Chaos } from './chaos';
import { intakeFunctionFor, scheduledEvent } from './events';
import { bundleEnv, deploymentNames, type FunctionName, Functions } from './functions';
import { SandboxIam } from './iam';
import { interceptAws } from './intercept';
import { LOCAL_CREDENTIALS, type LocalTable, startLocalTable } from './local-table';
import { Account } from './model/account';
import type { Targets } from './model/context';
import type { Observation } from './model/types';
import { Quotas } from './quotas';
import { Random } from './random';
import { buildReport, type Rejection, type Report } from './report';
import { Scheduler } from './scheduler';
import { timings } from './timings';
import { Wire } from './wire';
import type { World } from './world';

export interface SandboxOptions {
  world: World;
  seed?: number;
  /** Called for every modelled happening worth a progress line. */
  onProgress?: (observation: Observation) => void;
  /** Stop after this much virtual time even if the world is not quiet (default 24 h). */
  maxVirtualSeconds?: number;
  /** Narrows the functions' roles (tests proving that the sandbox's IAM enforcement bites). */
  narrowRoles?: ConstructorParameters<typeof SandboxIam>[2];
  /** Model AWS's API rate quotas and Lambda's concurrency (lib/sandbox/quotas.ts); default true. */
  quotas?: boolean;
  /**
   * Runs the built bundles instead of the source handlers: `dir` holds one `<function key>.mjs` per function
   * (lib/bench/bundles.ts builds them as serverless.yml does), each run in its own process on `node` (default:
   * this one), reaching the account through lib/sandbox/wire.ts.
   */
  bundles?: { dir: string; node?: string };
}

interface IntakeResult {
  accepted: boolean;
  reason?: string;
}

const DEFAULT_MAX_VIRTUAL_SECONDS = 24 * 3600;
/** Lambda retries a throttled asynchronous event for up to 6 h, backing off from 1 s to 5 minutes (aws-facts.md). */
const THROTTLED_ASYNC_FIRST_DELAY = 1;
const THROTTLED_ASYNC_MAX_DELAY = 300;
const THROTTLED_ASYNC_GIVE_UP = 6 * 3600;

/** What Lambda answers an invocation over the concurrency limit. */
class TooManyRequestsException extends Error {
  override readonly name = 'TooManyRequestsException';
}
const SETTLED_AFTER_KILL = new Set<Status>(['TERMINATED', 'FAILED']);

export class Sandbox {
  readonly rejected: Rejection[] = [];
  /** Invocations that still failed after Lambda's retries. */
  readonly failedInvocations: Rejection[] = [];
  private quiet = false;
  /** Hosts in service before the world started (world `running`) that gmsa-ready holds no record of yet. */
  private readonly unadopted: Set<string>;
  private readonly wallStart = performance.now();

  private constructor(
    readonly world: World,
    readonly scheduler: Scheduler,
    readonly account: Account,
    readonly functions: Functions,
    readonly store: Store,
    readonly iam: SandboxIam,
    /** The run's --seed (names, ids, tokens) and, with a chaos block, the seed its draws use. */
    readonly seeds: { run: number; chaos?: number },
    /** The quota model, absent with `quotas: false`. */
    readonly quotas: Quotas | undefined,
    private readonly cleanup: (() => void | Promise<void>)[],
    private readonly maxVirtualSeconds: number,
  ) {
    this.unadopted = new Set(world.instances.filter((i) => i.running).map((i) => i.instanceId));
  }

  static async create(options: SandboxOptions): Promise<Sandbox> {
    const { world } = options;
    const seed = options.seed ?? 1;
    const names = deploymentNames(world);
    const scheduler = new Scheduler(Date.parse(world.start) / 1000);
    const table: LocalTable = await startLocalTable(names.tableName, world.region);
    await Functions.configure(world, table.endpoint, LOCAL_CREDENTIALS);
    const targets: Targets = {
      lifecycle: (event) =>
        sandbox.intake('lifecycle', event, `lifecycle:${(event.detail as { EC2InstanceId?: string }).EC2InstanceId}`),
      commandStatus: (event) =>
        sandbox.intake(
          'command-status',
          event,
          `command-status:${(event.detail as { 'command-id'?: string })['command-id']}`,
        ),
      wake: (event) => sandbox.batch('continue', event),
      directory: (event) => sandbox.batch('directory', event),
    };
    const quotas = options.quotas === false ? undefined : new Quotas(seed);
    const account = new Account({
      world,
      scheduler,
      random: new Random(seed),
      documents: names.documents,
      queueUrls: names.queueUrls,
      targets,
      chaos: world.chaos && new Chaos(world.chaos, seed),
      observe: options.onProgress,
      ...(quotas ? { launchAt: (now: number) => quotas.instanceLaunchAt(now) } : {}),
    });
    const store = createDynamoStore({
      client: createDocumentClient(table.endpoint, { region: world.region, credentials: LOCAL_CREDENTIALS }),
      tableName: names.tableName,
    });
    const iam = new SandboxIam(
      world,
      {
        region: world.region,
        account: world.account,
        groupOf: (id) => account.instances.get(id)?.autoScalingGroupName,
      },
      options.narrowRoles,
    );
    const cleanup = [interceptAws(account, iam, quotas), useClock(() => scheduler.now()), () => table.stop()];
    const now = () => scheduler.now();
    const wire =
      options.bundles &&
      (await Wire.start({ iam, journal: account.journal, now, dynamo: table.endpoint, region: world.region }));
    const functions = new Functions(
      world.account,
      world.region,
      wire && options.bundles && { ...options.bundles, now, env: (name) => bundleEnv(name, wire.url) },
    );
    if (wire)
      cleanup.push(
        () => wire.stop(),
        () => functions.stop(),
      );
    const sandbox = new Sandbox(
      world,
      scheduler,
      account,
      functions,
      store,
      iam,
      // A world that pins chaos.seed keeps its draws whatever --seed says; otherwise --seed varies them.
      { run: seed, ...(world.chaos ? { chaos: world.chaos.seed ?? seed } : {}) },
      quotas,
      cleanup,
      options.maxVirtualSeconds ?? DEFAULT_MAX_VIRTUAL_SECONDS,
    );
    sandbox.tickReconciler();
    return sandbox;
  }

  /** Queues the world's scenario. */
  scheduleScenario(): void {
    for (const step of this.world.scenario) {
      this.scheduler.at(this.scheduler.startedAt + step.at, 'scenario', () => {
        for (const id of step.launch ?? []) this.account.launch(id);
        for (const id of step.terminate ?? []) this.account.terminate(id);
        for (const id of step.kill ?? []) this.account.kill(id);
        for (const id of step.toWarmPool ?? []) this.account.returnToWarmPool(id);
      });
    }
  }

  /**
   * Delivers recorded EventBridge events (replay) to the intake function their source selects. A lifecycle
   * event brings its instance to life if the model has not seen it running, and its token is honoured,
   * unless it is an archive replay (`replay-name`): Auto Scaling has long forgotten that token.
   */
  async deliverRecorded(events: { source: string; event: unknown }[]): Promise<void> {
    for (const { source, event } of events) {
      const target = intakeFunctionFor(event);
      if (!target) {
        this.rejected.push({ source, error: 'not an Auto Scaling lifecycle or SSM command status event' });
        continue;
      }
      if (target === 'lifecycle') this.prepareLifecycle(event as RecordedLifecycleEvent);
      await this.intake(target, event, source);
    }
  }

  /** Runs the clock until nothing is scheduled but reconciler ticks and nothing is in flight, or the cap. */
  async runUntilQuiet(): Promise<void> {
    const cap = this.scheduler.startedAt + this.maxVirtualSeconds;
    for (;;) {
      if (
        !this.scheduler.busy &&
        this.account.hooks.activeCount === 0 &&
        !(await this.anyInFlight()) &&
        !(await this.anyUnnoticedKill()) &&
        !(await this.anyUnadopted())
      ) {
        this.quiet = true;
        return;
      }
      if (this.scheduler.now() >= cap || !(await this.scheduler.step())) {
        this.quiet = false;
        return;
      }
    }
  }

  async report(): Promise<Report> {
    return buildReport(this, { quiet: this.quiet, wallSeconds: (performance.now() - this.wallStart) / 1000 });
  }

  async stop(): Promise<void> {
    for (const step of this.cleanup.reverse()) await step();
  }

  private prepareLifecycle(event: RecordedLifecycleEvent): void {
    const detail = event.detail ?? {};
    const instanceId = detail.EC2InstanceId;
    const group = detail.AutoScalingGroupName;
    if (typeof instanceId !== 'string' || typeof group !== 'string' || !this.account.fleetFor(group)) return;
    const instance =
      this.account.instances.get(instanceId) ??
      this.account.addInstance({ instanceId, autoScalingGroupName: group, faults: [], running: false });
    if (instance.state === 'pending') this.account.boot(instance);
    const transition: Transition =
      detail.LifecycleTransition === 'autoscaling:EC2_INSTANCE_TERMINATING' ? 'terminate' : 'launch';
    if (event['replay-name'] === undefined && typeof detail.LifecycleActionToken === 'string')
      this.account.hooks.adopt(
        instance,
        transition,
        detail.LifecycleActionToken,
        String(detail.LifecycleHookName ?? ''),
      );
  }

  /** EventBridge → Lambda is asynchronous: a function error is retried twice, a minute and two minutes later. */
  private async intake(
    name: 'lifecycle' | 'command-status',
    event: unknown,
    source: string,
    attempt = 0,
    throttledSince?: number,
  ): Promise<void> {
    try {
      const result = await this.invoke<IntakeResult | undefined>(name, event);
      if (result && !result.accepted) this.rejected.push({ source, error: result.reason ?? 'rejected' });
    } catch (error) {
      if (error instanceof TooManyRequestsException) {
        this.retryThrottled(name, event, source, attempt, throttledSince ?? this.scheduler.now());
        return;
      }
      const delay = timings.lambdaRetryDelays[attempt];
      if (delay === undefined) this.failedInvocations.push({ source, error: describe(error) });
      else this.scheduler.after(delay, `retry ${name}`, () => this.intake(name, event, source, attempt + 1));
    }
  }

  /** A throttled asynchronous event stays with Lambda and is tried again, backing off, for up to 6 hours. */
  private retryThrottled(
    name: 'lifecycle' | 'command-status',
    event: unknown,
    source: string,
    attempt: number,
    since: number,
  ): void {
    const waited = this.scheduler.now() - since;
    if (waited >= THROTTLED_ASYNC_GIVE_UP) {
      this.failedInvocations.push({ source, error: 'TooManyRequestsException: throttled for 6 hours' });
      return;
    }
    const delay = Math.min(THROTTLED_ASYNC_MAX_DELAY, Math.max(THROTTLED_ASYNC_FIRST_DELAY, waited));
    this.scheduler.after(delay, `throttled ${name}`, () => this.intake(name, event, source, attempt, since));
  }

  /** One invocation, if the concurrency pool has room (lib/sandbox/quotas.ts); it holds a slot for its modelled run time. */
  private async invoke<R>(name: FunctionName, event: unknown): Promise<R> {
    const { quotas } = this;
    if (!quotas) return this.functions.invoke<R>(name, event);
    const now = this.scheduler.now();
    if (!quotas.startInvocation(name, now))
      throw new TooManyRequestsException(`Rate Exceeded. (${name}: concurrent executions)`);
    const before = totalCalls(this.account.calls);
    try {
      return await this.functions.invoke<R>(name, event);
    } finally {
      quotas.endInvocation(now, totalCalls(this.account.calls) - before);
    }
  }

  private async batch(name: FunctionName, event: unknown): Promise<string[]> {
    // A throttled SQS batch throws: the event source returns every message to the queue (lib/sandbox/model/queues.ts).
    const result = await this.invoke<{ batchItemFailures?: { itemIdentifier: string }[] } | undefined>(name, event);
    return (result?.batchItemFailures ?? []).map((f) => f.itemIdentifier);
  }

  /** The reconciler's schedule: every minute of virtual time, for as long as the run lasts. */
  private tickReconciler(): void {
    this.scheduler.after(
      timings.reconcilerInterval,
      'reconciler',
      async () => {
        const event = scheduledEvent(this.account.eventContext(), `gmsa-ready-sandbox-reconciler`);
        try {
          await this.invoke('reconciler', event);
        } catch (error) {
          // A throttled tick is not retried here: the next one is a minute away.
          if (!(error instanceof TooManyRequestsException))
            this.failedInvocations.push({ source: 'reconciler', error: describe(error) });
        }
        this.tickReconciler();
      },
      true,
    );
  }

  /** A killed host counts as work until its record settles and knows it is gone: the reconciler must notice it. */
  private async anyUnnoticedKill(): Promise<boolean> {
    for (const id of this.account.killed) {
      const record = await this.store.get(id);
      if (record && (!SETTLED_AFTER_KILL.has(record.status) || record.terminatedAt === undefined)) return true;
      this.account.killed.delete(id);
    }
    return false;
  }

  /** A host running before the world started counts as work until it has a record: the sweep must adopt it. */
  private async anyUnadopted(): Promise<boolean> {
    for (const id of this.unadopted) {
      if (this.account.instances.get(id)?.state === 'running' && !(await this.store.get(id))) return true;
      this.unadopted.delete(id);
    }
    return false;
  }

  private async anyInFlight(): Promise<boolean> {
    for (const status of IN_FLIGHT)
      if ((await this.store.listByStatus(status, { limit: 1 })).items.length > 0) return true;
    return false;
  }
}

interface RecordedLifecycleEvent {
  'replay-name'?: unknown;
  detail?: Record<string, unknown>;
}

function totalCalls(calls: Record<string, number>): number {
  let sum = 0;
  for (const n of Object.values(calls)) sum += n;
  return sum;
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
