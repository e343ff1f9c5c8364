// One benchmark run: N hosts of one Windows fleet launch (spread over a ramp), and once every host is
// READY (the world is quiet) they are all terminated the same way, in a sandbox on the virtual clock,
// with the invocation probe watching timers and DynamoDB calls inside handlers.
import type { QuotasReport } from '../sandbox/quotas';
import { Sandbox } from '../sandbox/sandbox';
import { hostTimings } from './critical-path';
import { InvocationProbe, type Sleep } from './invocation-probe';
import { round, type Spread, spread } from './stats';
import { BENCH_FLEET, benchInstanceId, benchWorld } from './world';

export interface BenchOptions {
  instances: number;
  seed?: number;
  /** Launches (and later terminations) are spread evenly over this many seconds (default 60). */
  rampSeconds?: number;
  /** Model AWS's API rate quotas and Lambda concurrency (default true). */
  quotas?: boolean;
}

export interface BenchReport {
  instances: number;
  fleet: string;
  seed: number;
  rampSeconds: number;
  /** Hosts that reached READY with CONTINUE, and hosts whose terminate action completed. */
  ready: number;
  terminated: number;
  sleeps: number;
  sleepDetails: Sleep[];
  /** Timers handlers created and cleared unfired (I/O guards such as the SDK's socket timeouts). */
  guardTimers: number;
  managementCommands: number;
  commands: {
    groupChangeAdd: number;
    groupChangeRemove: number;
    /** Read-only resolve commands that prove each account before it is added (issue 13). */
    groupChangeResolve: number;
    listMembers: number;
    total: number;
  };
  /** Virtual seconds from the first launch to the last host ready. */
  firstToLastReadySeconds: number;
  timeToReady: Spread;
  overhead: Spread;
  timeToTerminate: Spread;
  lambda: {
    /** Invocations the probe watched: equal to every invocation, or the sleep count would miss some. */
    watchedInvocations: number;
    invocationsPerHost: number;
    busySecondsPerHost: number;
    byFunction: Record<string, { invocations: number; busySeconds: number }>;
  };
  /** Calls per host by API for the launch + terminate cycle (dynamodb:* from the handlers' store). */
  awsCalls: Record<string, number>;
  awsCallsTotal: Record<string, number>;
  dynamodb: { readRequestUnitsPerHost: number; writeRequestUnitsPerHost: number };
  virtualSeconds: number;
  wallSeconds: number;
  peakMemoryMB: number;
  quiet: boolean;
  failedInvocations: number;
  /** SDK calls a function's IAM role refused (the sandbox enforces the roles): 0 on a correct build. */
  accessDenied: number;
  /** The modelled quotas (per second; lambda:* concurrent executions) and throttled responses by API. */
  quotas: QuotasReport;
  /** Lifecycle actions Auto Scaling ended by the hook's timeout instead of gmsa-ready completing them. */
  lifecycleTimeouts: number;
}

export async function runBench(options: BenchOptions): Promise<BenchReport> {
  const { instances } = options;
  const seed = options.seed ?? 1;
  const rampSeconds = options.rampSeconds ?? 60;
  if (!(rampSeconds >= 0)) throw new RangeError(`rampSeconds: must be a non-negative number, got ${rampSeconds}`);
  const world = benchWorld(instances);
  const probe = new InvocationProbe();
  // Sampled on a timer: reading RSS on every invocation cost more than a second per 10,000 invocations.
  const sampler = setInterval(() => probe.sampleMemory(), 20);
  const wallStart = performance.now();
  probe.install();
  const sandbox = await Sandbox.create({ world, seed, quotas: options.quotas ?? true });
  try {
    sandbox.functions.wrapInvocations(probe.wrap);
    const { scheduler, account } = sandbox;
    const ids = world.instances.map((_, i) => benchInstanceId(i));
    const offset = (i: number) => (instances > 1 ? (rampSeconds * i) / (instances - 1) : 0);
    ids.forEach((id, i) => {
      scheduler.at(scheduler.startedAt + offset(i), 'bench launch', () => account.launch(id));
    });
    await sandbox.runUntilQuiet();
    const launchedQuietAt = scheduler.now();
    ids.forEach((id, i) => {
      scheduler.at(launchedQuietAt + offset(i), 'bench terminate', () => account.terminate(id));
    });
    await sandbox.runUntilQuiet();
    const report = await sandbox.report();
    const wallSeconds = (performance.now() - wallStart) / 1000;
    probe.sampleMemory();

    const hosts = hostTimings(account);
    const readyHosts = hosts.filter((h) => h.timeToReady !== undefined);
    const perHost = (n: number) => round(n / instances, 4);
    const groupChange = report.commands.filter((c) => c.documentName === account.documents.groupChange);
    const commands = {
      groupChangeAdd: groupChange.filter((c) => c.parameters.Action?.[0] === 'add').length,
      groupChangeRemove: groupChange.filter((c) => c.parameters.Action?.[0] === 'remove').length,
      groupChangeResolve: groupChange.filter((c) => c.parameters.Action?.[0] === 'resolve').length,
      listMembers: report.commands.filter((c) => c.documentName === account.documents.listMembers).length,
      total: 0,
    };
    commands.total =
      commands.groupChangeAdd + commands.groupChangeRemove + commands.groupChangeResolve + commands.listMembers;
    // The burst's own directory work (launch + terminate). The scavenger's hourly ListMembers does not
    // grow with the burst; it stays visible in `commands.listMembers` and `commands.total`.
    const managementCommands = commands.groupChangeAdd + commands.groupChangeRemove + commands.groupChangeResolve;
    const lambdaStats = Object.values(sandbox.functions.stats);
    const awsCallsTotal = { ...report.sandbox.awsCalls, ...probe.dynamo.calls };
    const sleepDetails = probe.sleeps();
    return {
      instances,
      fleet: BENCH_FLEET,
      seed,
      rampSeconds,
      ready: readyHosts.length,
      terminated: hosts.filter((h) => h.timeToTerminate !== undefined).length,
      sleeps: sleepDetails.length,
      sleepDetails,
      guardTimers: probe.guardTimers,
      managementCommands,
      commands,
      firstToLastReadySeconds: round(
        Math.max(0, ...readyHosts.map((h) => h.readyAt as number)) - Math.min(...hosts.map((h) => h.launchStartedAt)),
      ),
      timeToReady: spread(readyHosts.map((h) => h.timeToReady as number)),
      overhead: spread(readyHosts.map((h) => h.overhead as number)),
      timeToTerminate: spread(hosts.flatMap((h) => (h.timeToTerminate === undefined ? [] : [h.timeToTerminate]))),
      lambda: {
        watchedInvocations: probe.invocations,
        invocationsPerHost: perHost(lambdaStats.reduce((sum, s) => sum + s.invocations, 0)),
        busySecondsPerHost: perHost(lambdaStats.reduce((sum, s) => sum + s.busyMs, 0) / 1000),
        byFunction: Object.fromEntries(
          Object.entries(sandbox.functions.stats).map(([name, s]) => [
            name,
            { invocations: s.invocations, busySeconds: round(s.busyMs / 1000) },
          ]),
        ),
      },
      awsCalls: Object.fromEntries(Object.entries(awsCallsTotal).map(([api, n]) => [api, perHost(n)])),
      awsCallsTotal,
      dynamodb: {
        readRequestUnitsPerHost: perHost(probe.dynamo.readRequestUnits),
        writeRequestUnitsPerHost: perHost(probe.dynamo.writeRequestUnits),
      },
      virtualSeconds: report.clock.virtualSeconds,
      wallSeconds: round(wallSeconds),
      peakMemoryMB: round(probe.peakRssBytes / 2 ** 20, 1),
      quiet: report.sandbox.quiet,
      failedInvocations: report.sandbox.failedInvocations.length,
      accessDenied: report.sandbox.accessDenied.length,
      quotas: report.quotas,
      lifecycleTimeouts: [...account.instances.values()].flatMap((i) =>
        i.actions.filter((a) => a.completedBy === 'HeartbeatTimeout'),
      ).length,
    };
  } finally {
    clearInterval(sampler);
    await sandbox.stop();
    probe.uninstall();
  }
}
