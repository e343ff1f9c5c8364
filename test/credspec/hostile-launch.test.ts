// A hostile credential spec in a launch: the verify step fails the host at once with the spec's finding, instead
// of a crash the engine retries until verify's 20-minute deadline. The real handlers, in the sandbox.
import { describe, expect, it } from 'vitest';
import type { Report } from '../../lib/sandbox/report';
import { Sandbox } from '../../lib/sandbox/sandbox';
import { demoWorldJson, WIN, world } from '../sandbox/fixtures';

const SPEC = 'arn:aws:ssm:us-east-1:123456789012:parameter/gmsa/orders-api';
const HOST = 'i-0a1b2c3d4e5f60001';

async function launchWith(spec: string): Promise<Report['instances'][number]> {
  const base = demoWorldJson();
  const w = world({
    instances: [{ instanceId: HOST, autoScalingGroupName: WIN }],
    scenario: [{ at: 0, launch: [HOST] }],
    extra: { credentialSpecs: { ...(base.credentialSpecs as object), [SPEC]: spec } },
  });
  const sandbox = await Sandbox.create({ world: w, seed: 1 });
  try {
    sandbox.scheduleScenario();
    await sandbox.runUntilQuiet();
    const report = await sandbox.report();
    expect(report.sandbox.failedInvocations).toEqual([]);
    const host = report.instances.find((i) => i.instanceId === HOST);
    if (!host) throw new Error('host not in the report');
    return host;
  } finally {
    await sandbox.stop();
  }
}

/** Seconds from entering verify to the host's last history entry (its failure). */
function secondsInVerify(host: Report['instances'][number]): number {
  // From entering verify to leaving it (the failure); the undo that follows (resolve-era group changes) is not verify.
  const start = host.history.findIndex((h) => h.step === 'verify');
  const left = host.history.slice(start).find((h) => h.step !== 'verify');
  const entered = host.history[start];
  if (!entered || !left) throw new Error(`no verify in ${JSON.stringify(host.history)}`);
  return left.at - entered.at;
}

describe('a launch whose credential spec is hostile', () => {
  it.each([
    ['nested a million levels deep (2 MB)', '['.repeat(1_000_000) + ']'.repeat(1_000_000), /too-large/],
    ['nested 4,000 levels deep inside 8 KB', `{"CmsPlugins":${'['.repeat(3_990)}${']'.repeat(3_990)}}`, /too-deep/],
    ['with a repeated key', '{"CmsPlugins":["ActiveDirectory"],"CmsPlugins":[]}', /duplicate-key at \$\.CmsPlugins/],
  ])(
    'fails verify at once when the spec is %s',
    async (_, spec, finding) => {
      const host = await launchWith(spec);
      expect(host.status).toBe('FAILED');
      expect(host.lifecycleResult).toBe('ABANDON');
      expect(host.reason).toMatch(finding);
      expect(host.reason).toMatch(new RegExp(`credential spec ${SPEC}`));
      // At once: well inside one verify poll, nowhere near the 20-minute deadline.
      expect(secondsInVerify(host)).toBeLessThan(60);
    },
    120_000,
  );
});
