// Config refusals that protect the directory (issue 13): a privileged hostGroup, and Auto Scaling group
// names that differ only by case in two fleets.
import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../../lib/config/load';
import { PRIVILEGED_GROUPS } from '../../lib/config/privileged';

const fleet = (name: string, overrides: Record<string, unknown> = {}) => ({
  name,
  autoScalingGroups: [`prod-${name}`],
  platform: 'windows',
  mode: 'domain-joined',
  cluster: name,
  directory: { id: 'd-1234567890', name: 'corp.example.com' },
  hostGroup: `${name}-hosts`,
  managementInstanceId: 'i-0123456789abcdef0',
  ...overrides,
});

function refusal(fleets: unknown[]): string {
  try {
    parseConfig({ fleets });
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('the configuration was accepted');
}

describe('hostGroup', () => {
  it.each(PRIVILEGED_GROUPS)('refuses %s in any letter case', (group) => {
    for (const spelling of [group, group.toLowerCase(), group.toUpperCase()])
      expect(refusal([fleet('orders', { hostGroup: spelling })])).toContain(
        `fleets[0].hostGroup: is the privileged group '${group}'`,
      );
  });

  it('refuses all fifteen groups the issue names', () => {
    expect(PRIVILEGED_GROUPS).toHaveLength(15);
  });

  it('accepts a group of its own, even one whose name contains a privileged one', () => {
    for (const group of ['OrdersApiHosts', 'Domain Admins Hosts', 'gMSA Hosts - Orders', 'DnsAdmin'])
      expect(parseConfig({ fleets: [fleet('orders', { hostGroup: group })] }).fleets[0]?.hostGroup).toBe(group);
  });
});

describe('Auto Scaling group names', () => {
  it('refuses names in two fleets that differ only by case', () => {
    const message = refusal([
      fleet('orders', { autoScalingGroups: ['prod-orders'] }),
      fleet('payments', { autoScalingGroups: ['PROD-Orders'] }),
    ]);
    expect(message).toContain(
      "fleets[1].autoScalingGroups[0]: Auto Scaling group 'PROD-Orders' differs only by case from 'prod-orders' of fleet 'orders'",
    );
  });

  it('still refuses the same name twice and accepts distinct names', () => {
    expect(
      refusal([fleet('orders', { autoScalingGroups: ['a', 'b'] }), fleet('payments', { autoScalingGroups: ['b'] })]),
    ).toContain("Auto Scaling group 'b' already belongs to fleet 'orders'");
    expect(
      parseConfig({ fleets: [fleet('orders', { autoScalingGroups: ['a', 'b'] }), fleet('payments')] }).fleets,
    ).toHaveLength(2);
  });
});
