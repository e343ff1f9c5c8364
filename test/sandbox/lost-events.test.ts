// Nothing relies on a lifecycle event arriving (issue 11): a host whose launch or terminate event Auto Scaling
// never delivered is found by the reconciler's sweep (DescribeAutoScalingInstances) and served, its action
// completed by instance id before the hook times out.
import { describe, expect, it } from 'vitest';
import { buildWorld, type FleetPlan, runWorld } from '../property/worlds';

const fleet = (platform: 'windows' | 'linux'): FleetPlan => ({
  platform,
  mode: 'domain-joined',
  onLaunchFailure: 'ABANDON',
  deleteComputerAccount: true,
  heartbeatTimeoutSeconds: 3600,
});

describe('lost lifecycle events', () => {
  it.each(['windows', 'linux'] as const)(
    'a %s host whose launch event was lost is made ready by the sweep',
    async (platform) => {
      const report = await runWorld(
        buildWorld({ fleets: [fleet(platform)], instances: [{ fleet: 0, launchAt: 0, fault: 'launch-event-lost' }] }),
      );
      expect(report.invariants.violations).toEqual([]);
      expect(report.instances[0]).toMatchObject({
        status: 'READY',
        lifecycleResult: 'CONTINUE',
        lifecycleCompletedBy: 'CompleteLifecycleAction',
        inHostGroup: true,
      });
    },
    120_000,
  );

  it('a host whose terminate event was lost is drained, cleaned up and let go by the sweep', async () => {
    const report = await runWorld(
      buildWorld({
        fleets: [fleet('windows')],
        instances: [{ fleet: 0, launchAt: 0, fault: 'terminate-event-lost', end: { kind: 'terminate', after: 1200 } }],
      }),
    );
    expect(report.invariants.violations).toEqual([]);
    expect(report.instances[0]).toMatchObject({
      status: 'TERMINATED',
      lifecycleCompletedBy: 'CompleteLifecycleAction',
      inHostGroup: false,
      computerAccount: 'absent',
    });
  }, 120_000);
});
