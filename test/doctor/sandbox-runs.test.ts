// The misconfigurations through gmsa-ready's real handlers: a sandbox run of the demo's launches in a world
// set up wrong ends the way a real account set up that way would make it end.
import { describe, expect, it } from 'vitest';
import { runSandbox } from '../sandbox/fixtures';
import { misconfiguredWorld, ORDERS_SPEC } from './worlds';

const ORDERS_HOST = 'i-0a1b2c3d4e5f60001';
const PAYMENTS_HOST = 'i-0b1c2d3e4f5a60001';
const launchOnly = {
  instances: [
    { instanceId: ORDERS_HOST, autoScalingGroupName: 'prod-ecs-win-orders', hostname: 'EC2AMAZ-7Q2LK9D' },
    { instanceId: PAYMENTS_HOST, autoScalingGroupName: 'prod-ecs-linux-payments' },
  ],
  scenario: [{ at: '0m', launch: [ORDERS_HOST, PAYMENTS_HOST] }],
};

const hosts = async (misconfigurations: Record<string, unknown>[]) => {
  const report = await runSandbox({ world: misconfiguredWorld(misconfigurations, launchOnly) });
  return Object.fromEntries(report.instances.map((i) => [i.instanceId, i]));
};

describe('a sandbox run in a misconfigured world', () => {
  it("host-group-missing: the orders host fails at authorize with the AD module's error; payments is ready", async () => {
    const run = await hosts([{ kind: 'host-group-missing', fleet: 'orders' }]);
    expect(run[ORDERS_HOST]).toMatchObject({ status: 'FAILED', inHostGroup: false });
    expect(run[ORDERS_HOST]?.reason).toContain("Cannot find an object with identity: 'OrdersApiHosts'");
    expect(run[PAYMENTS_HOST]).toMatchObject({ status: 'READY', inHostGroup: true });
  }, 120_000);

  it('credspec-unreadable: the orders host fails verify, denied reading its spec; payments is ready', async () => {
    const run = await hosts([{ kind: 'credspec-unreadable', arn: ORDERS_SPEC }]);
    expect(run[ORDERS_HOST]).toMatchObject({ status: 'FAILED' });
    expect(run[ORDERS_HOST]?.reason).toMatch(/access-denied/);
    expect(run[PAYMENTS_HOST]).toMatchObject({ status: 'READY' });
  }, 120_000);

  it('management-host-offline: no host is authorized (its commands never run); both fail at their first management command', async () => {
    const run = await hosts([{ kind: 'management-host-offline' }]);
    for (const id of [ORDERS_HOST, PAYMENTS_HOST]) {
      expect(run[id], id).toMatchObject({ status: 'FAILED', inHostGroup: false });
      // The first command on the management host (resolve, before authorize) never runs: delivery timeout.
      expect(run[id]?.reason, id).toMatch(
        /^resolve: command-timed-out: resolving \S+\$: command \S+ ended DeliveryTimedOut$/,
      );
    }
  }, 120_000);
});
