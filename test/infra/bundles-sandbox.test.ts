// What ships is what is tested: every function's handler taken from its BUILT bundle (serverless.yml's esbuild
// options, lib/bench/bundles.ts), each in its own Node process, drives a launch and a terminate per platform
// against the sandbox (lib/sandbox/wire.ts serves the simulated account over HTTP), with the same outcome as the
// source handlers. Runs on Node 22, the Lambda runtime (.ci/run's Node 22 phase; locally:
// bash scripts/with-node22.sh npx vitest run test/infra/bundles-sandbox.test.ts).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildBundles } from '../../lib/bench/bundles';
import { KEYS } from '../../lib/sandbox/functions';
import type { Report } from '../../lib/sandbox/report';
import { Sandbox, type SandboxOptions } from '../../lib/sandbox/sandbox';
import { LINUX, WIN, world } from '../sandbox/fixtures';

const root = fileURLToPath(new URL('../..', import.meta.url));
const onNode22 = process.versions.node.startsWith('22.');
const WINDOWS_HOST = 'i-0a1b2c3d4e5f60001';
const LINUX_HOST = 'i-0b1c2d3e4f5a60001';

/** One Windows and one Linux host of the demo's fleets: each launches, serves, then scales in. */
const small = world({
  instances: [
    { instanceId: WINDOWS_HOST, autoScalingGroupName: WIN },
    { instanceId: LINUX_HOST, autoScalingGroupName: LINUX },
  ],
  scenario: [
    { at: 0, launch: [WINDOWS_HOST, LINUX_HOST] },
    // Both are READY by then (the Windows join takes about 6 virtual minutes); each minute costs a reconciler run.
    { at: '7m', terminate: [WINDOWS_HOST, LINUX_HOST] },
  ],
});

interface Outcome {
  report: Report;
  /** Each host's record statuses in the order they were written. */
  statuses: Record<string, string[]>;
}

async function run(options: Pick<SandboxOptions, 'bundles'>): Promise<Outcome> {
  const sandbox = await Sandbox.create({ world: small, seed: 1, ...options });
  try {
    sandbox.scheduleScenario();
    await sandbox.runUntilQuiet();
    const statuses: Record<string, string[]> = {};
    for (const write of sandbox.account.journal.writes) {
      statuses[write.instanceId] ??= [];
      const seen = statuses[write.instanceId] as string[];
      if (seen.at(-1) !== write.status) seen.push(write.status);
    }
    return { report: await sandbox.report(), statuses };
  } finally {
    await sandbox.stop();
  }
}

/** What must not differ between the source handlers and the bundles. */
const outcome = ({ report, statuses }: Outcome) => ({
  quiet: report.sandbox.quiet,
  invariants: report.invariants,
  rejected: report.rejected,
  failedInvocations: report.sandbox.failedInvocations,
  accessDenied: report.sandbox.accessDenied,
  deadLetters: report.sandbox.deadLetters,
  instances: report.instances.map(({ instanceId, status, lifecycleResult, inHostGroup, computerAccount }) => ({
    instanceId,
    status,
    lifecycleResult,
    inHostGroup,
    computerAccount,
  })),
  directory: report.directory,
  awsCalls: report.sandbox.awsCalls,
  statuses,
});

describe.skipIf(!onNode22)('the built bundles against the sandbox (Node 22 only: the Lambda runtime)', () => {
  const outDir = mkdtempSync(join(tmpdir(), 'gmsa-ready-bundles-'));
  let fromBundles: Outcome;
  let fromSource: Outcome;

  beforeAll(async () => {
    // The status page is no workflow function: the sandbox does not run it.
    await buildBundles(root, outDir, {}, Object.values(KEYS));
    fromBundles = await run({ bundles: { dir: outDir } });
    fromSource = await run({});
  }, 120_000);
  afterAll(() => rmSync(outDir, { recursive: true, force: true }));

  it('serves a Windows and a Linux host through launch and scale-in: ready, then cleaned, invariants held', () => {
    const { report, statuses } = fromBundles;
    // First: a bundle that cannot start (a module left out of it) shows here, with the import error.
    expect(report.sandbox.failedInvocations).toEqual([]);
    expect(report.sandbox.quiet).toBe(true);
    expect(report.invariants).toEqual({ held: true, violations: [] });
    for (const id of [WINDOWS_HOST, LINUX_HOST]) {
      expect(statuses[id]).toContain('READY');
      expect(report.instances.find((i) => i.instanceId === id)).toMatchObject({
        status: 'TERMINATED',
        lifecycleResult: 'CONTINUE',
        inHostGroup: false,
        computerAccount: 'absent',
        reason: null,
      });
    }
  });

  it('invokes every function from its bundle, each without an error', () => {
    const lambda = fromBundles.report.sandbox.lambda;
    expect(Object.keys(lambda).sort()).toEqual(['command-status', 'continue', 'directory', 'lifecycle', 'reconciler']);
    for (const stats of Object.values(lambda)) expect(stats).toMatchObject({ errors: 0 });
    for (const stats of Object.values(lambda)) expect(stats.invocations).toBeGreaterThan(0);
  });

  it('ends exactly as the source handlers do: records, lifecycle actions, directory, AWS calls', () => {
    expect(outcome(fromBundles)).toEqual(outcome(fromSource));
  });
});

it.skipIf(onNode22)(`skips the built bundles' sandbox run on Node ${process.version}: it runs on Node 22 only`, () => {
  expect(onNode22).toBe(false);
});
