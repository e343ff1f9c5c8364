// A small burst through the CLI: the JSON report's contract keys and types, zero sleeps with every
// invocation watched, and call counts that agree with what the simulated account saw.
import { beforeAll, describe, expect, it } from 'vitest';
import type { BenchReport } from '../../lib/bench/run';
import { main } from '../../lib/cli/main';

const N = 5;

async function cli(argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { stdout: (t) => out.push(t), stderr: (t) => err.push(t) });
  return { code, stdout: out.join(''), stderr: err.join('') };
}

const spreadShape = { p50: expect.any(Number), p90: expect.any(Number), max: expect.any(Number) };

describe('gmsa-ready bench', () => {
  let report: BenchReport;
  beforeAll(async () => {
    const run = await cli(['bench', '--instances', String(N), '--json', '--seed', '3']);
    expect(run.code).toBe(0);
    report = JSON.parse(run.stdout);
  });

  it('reports the contract keys with their types', () => {
    expect(report).toMatchObject({
      instances: N,
      sleeps: expect.any(Number),
      managementCommands: expect.any(Number),
      timeToReady: spreadShape,
      overhead: spreadShape,
      lambda: { invocationsPerHost: expect.any(Number), busySecondsPerHost: expect.any(Number) },
      awsCalls: expect.any(Object),
      wallSeconds: expect.any(Number),
      peakMemoryMB: expect.any(Number),
    });
    for (const value of Object.values(report.awsCalls)) expect(value).toEqual(expect.any(Number));
    expect(report.peakMemoryMB).toBeGreaterThan(0);
  });

  it('brings every host to READY and back out, with no sleep and every invocation watched', () => {
    expect(report.ready).toBe(N);
    expect(report.terminated).toBe(N);
    expect(report.sleeps).toBe(0);
    expect(report.accessDenied).toBe(0);
    const invocations = Object.values(report.lambda.byFunction).reduce((sum, f) => sum + f.invocations, 0);
    expect(report.lambda.watchedInvocations).toBe(invocations);
    expect(report.lambda.invocationsPerHost).toBeCloseTo(invocations / N, 3);
  });

  it('counts management commands that match the SendCommand calls the account answered', () => {
    const { commands } = report;
    expect(report.managementCommands).toBe(
      commands.groupChangeResolve + commands.groupChangeAdd + commands.groupChangeRemove,
    );
    expect(commands.groupChangeResolve).toBeGreaterThanOrEqual(1);
    expect(commands.total).toBe(report.managementCommands + commands.listMembers);
    expect(commands.groupChangeAdd).toBeGreaterThanOrEqual(1);
    expect(commands.groupChangeRemove).toBeGreaterThanOrEqual(1);
    // Each host gets its own join and refresh; everything else SendCommand did ran on the management host.
    expect(report.awsCallsTotal['ssm:SendCommand']).toBe(2 * N + commands.total);
  });

  it('gives AWS calls per host that add back up to the account totals', () => {
    expect(Object.keys(report.awsCalls).sort()).toEqual(Object.keys(report.awsCallsTotal).sort());
    for (const [api, total] of Object.entries(report.awsCallsTotal))
      expect(report.awsCalls[api]).toBeCloseTo(total / N, 3);
    // One CompleteLifecycleAction per lifecycle action, one ready attribute per host.
    expect(report.awsCallsTotal['autoscaling:CompleteLifecycleAction']).toBe(2 * N);
    expect(report.awsCallsTotal['ecs:PutAttributes']).toBe(N);
    expect(report.awsCallsTotal['dynamodb:Put']).toBeGreaterThan(0);
  });

  it('separates modelled AWS work from overhead', () => {
    expect(report.overhead.max).toBeLessThan(report.timeToReady.max);
    expect(report.overhead.p50).toBeGreaterThan(0);
  });

  it('models the quotas by default and reports them under their contract keys', () => {
    expect(Object.keys(report.quotas)).toEqual(['limits', 'throttled']);
    expect(report.quotas.limits['ssm:SendCommand']).toEqual(expect.any(Number));
    expect(report.quotas.limits['lambda:lifecycle']).toBe(1000);
    expect(report.lifecycleTimeouts).toBe(0);
  });

  it('--quotas off turns the model off: no limits, nothing throttled', async () => {
    const run = await cli(['bench', '--instances', '2', '--ramp', '0', '--json', '--quotas', 'off']);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout).quotas).toEqual({ limits: {}, throttled: {} });
  });

  it('refuses bad usage with exit 2 and names the flag', async () => {
    expect(await cli(['bench', '--instances', '3', '--quotas', 'maybe'])).toMatchObject({
      code: 2,
      stderr: expect.stringContaining("--quotas must be on or off, got 'maybe'"),
    });
    expect(await cli(['bench'])).toMatchObject({ code: 2, stderr: expect.stringContaining('--instances') });
    expect(await cli(['bench', '--instances', '0'])).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('--instances must be an integer from 1'),
    });
    expect(await cli(['bench', '--instances', '3', '--bogus'])).toMatchObject({ code: 2 });
  });
});
