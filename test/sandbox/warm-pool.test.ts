// A host returning to a warm pool is stopped, not terminated (issue 11; aws-facts 1.3): its terminate action
// (Origin AutoScalingGroup, Destination WarmPool) keeps its account and membership, and its next launch from
// the pool (Origin WarmPool) serves it again without a second join or group add.
import { describe, expect, it } from 'vitest';
import type { Report } from '../../lib/sandbox/report';
import { parseWorld } from '../../lib/sandbox/world';
import { runWorld } from '../property/worlds';
import { demoWorldJson, WIN } from './fixtures';

const ID = 'i-0d1e2f3a4b5c60001';
// Scenario steps sit 10 s off the reconciler's minute, so the lifecycle events (not the sweep) start the actions.

function world(scenario: Record<string, unknown>[]) {
  return parseWorld({
    ...demoWorldJson(),
    instances: [{ instanceId: ID, autoScalingGroupName: WIN, hostname: 'EC2AMAZ-WARM001' }],
    scenario,
  });
}

const host = (report: Report) => report.instances.find((i) => i.instanceId === ID);
const joins = (report: Report) =>
  report.commands.filter((c) => c.documentName === 'AWS-JoinDirectoryServiceDomain' && c.instanceIds.includes(ID));
const groupActions = (report: Report) =>
  report.commands
    .filter((c) => c.parameters.ComputerNames?.[0]?.includes('EC2AMAZ-WARM001$'))
    .map((c) => c.parameters.Action?.[0]);

describe('return to the warm pool', () => {
  it('stops the host: WARMED, account and membership kept, the terminate action completed CONTINUE', async () => {
    const report = await runWorld(
      world([
        { at: '0m', launch: [ID] },
        { at: '30m10s', toWarmPool: [ID] },
      ]),
    );
    expect(report.invariants).toEqual({ held: true, violations: [] });
    expect(host(report)).toMatchObject({
      status: 'WARMED',
      lifecycleResult: 'CONTINUE',
      inHostGroup: true,
      computerAccount: 'present',
      ecsReady: false,
    });
    expect(
      host(report)
        ?.history.map((h) => h.detail)
        .join('\n'),
    ).toContain('(to the warm pool)');
    expect(groupActions(report)).toEqual(['resolve', 'add']); // nothing removed, nothing deleted
  }, 120_000);

  it('serves it again when it leaves the pool: READY with the same account, no second join or group add', async () => {
    const report = await runWorld(
      world([
        { at: '0m', launch: [ID] },
        { at: '30m10s', toWarmPool: [ID] },
        { at: '1h0m10s', launch: [ID] },
      ]),
    );
    expect(report.invariants).toEqual({ held: true, violations: [] });
    expect(host(report)).toMatchObject({ status: 'READY', inHostGroup: true, ecsReady: true });
    expect(joins(report)).toHaveLength(1);
    expect(groupActions(report)).toEqual(['resolve', 'add']);
    expect(
      host(report)
        ?.history.map((h) => h.detail)
        .join('\n'),
    ).toContain('(from the warm pool)');
  }, 120_000);

  it('refuses a scenario step with nothing to do, naming toWarmPool among the actions', () => {
    expect(() => world([{ at: '0m' }])).toThrow(/needs launch, terminate, kill or toWarmPool/);
    expect(() => world([{ at: '0m', toWarmPool: ['i-0ffffffffffffffff'] }])).toThrow(
      /scenario\[0\]\.toWarmPool\[0\]: instance i-0ffffffffffffffff is not in instances/,
    );
  });
});
