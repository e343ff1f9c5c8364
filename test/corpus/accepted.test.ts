// Real lifecycle event shapes that intake must accept (issue 11): AWS's published samples (the event reference
// page, aws_lambda_events' fixtures), metadata as a string, an object or anything else, Action on a root volume
// replacement, and envelopes whose unused fields are missing or odd. Each file names its source.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Config } from '../../lib/config/schema';
import { intakeLifecycleEvent } from '../../lib/engine/intake';
import { exampleConfig } from '../engine/fakes';
import { CORPUS, expectPrototypeClean, intakeDeps } from './support';

interface AcceptedCase {
  why: string;
  source: string;
  event: { detail: { EC2InstanceId: string; LifecycleTransition: string } };
}

const dir = join(CORPUS, 'accepted');
const cases = readdirSync(dir)
  .filter((file) => file.endsWith('.json'))
  .sort()
  .map((file) => [file, JSON.parse(readFileSync(join(dir, file), 'utf8')) as AcceptedCase] as const);

/** AWS's samples name the group `my-asg`: here the orders fleet owns it. */
const config: Config = {
  ...exampleConfig,
  fleets: exampleConfig.fleets.map((fleet, i) =>
    i === 0 ? { ...fleet, autoScalingGroups: [...fleet.autoScalingGroups, 'my-asg'] } : fleet,
  ),
};

describe('real lifecycle event shapes', () => {
  it('holds the published samples and every metadata shape', () => {
    const names = cases.map(([name]) => name);
    expect(names).toEqual(
      expect.arrayContaining([
        'aws-docs-launch.json',
        'aws-lambda-events-launch.json',
        'aws-lambda-events-terminate.json',
        'metadata-object.json',
        'replace-root-volume-launch.json',
        'replace-root-volume-terminate.json',
      ]),
    );
    for (const [, entry] of cases) expect(entry.source).toMatch(/^(https:\/\/|issue 11|\/work\/shared)/);
  });

  it.each(cases)('accepts %s', async (_, entry) => {
    const intake = intakeDeps();
    intake.deps.config = config;
    const result = await intakeLifecycleEvent(intake.deps, structuredClone(entry.event));
    expect(result).toMatchObject({ accepted: true, instanceId: entry.event.detail.EC2InstanceId });
    expect(intake.telemetry.metrics.map((m) => m.name)).not.toContain('EventRejected');
    const record = await intake.store.get(entry.event.detail.EC2InstanceId);
    const launch = entry.event.detail.LifecycleTransition === 'autoscaling:EC2_INSTANCE_LAUNCHING';
    expect(record?.status).toBe(launch ? 'LAUNCHING' : 'TERMINATING');
    expect(JSON.stringify(record)).not.toContain('NotificationMetadata');
    expectPrototypeClean();
  });

  it('stores an event time clamped to the receipt: a future-dated sample does not date the action', async () => {
    const intake = intakeDeps();
    intake.deps.config = config;
    const event = structuredClone(cases.find(([name]) => name === 'aws-docs-launch.json')?.[1].event) as Record<
      string,
      unknown
    >;
    event.time = '2099-01-01T00:00:00Z';
    await intakeLifecycleEvent(intake.deps, event);
    const record = await intake.store.get('i-1234567890abcdef0');
    expect(record?.lifecycle?.eventAt).toBe(intake.deps.now());
  });
});
