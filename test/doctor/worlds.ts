// Worlds for the doctor's tests: the demo world with misconfigurations.
import { parseWorld, type World } from '../../lib/sandbox/world';
import { demoWorldJson } from '../sandbox/fixtures';

export const ORDERS_SPEC = 'arn:aws:ssm:us-east-1:123456789012:parameter/gmsa/orders-api';
export const PAYMENTS_SPEC = 'arn:aws:s3:::corp-gmsa-credspecs/payments-api.json';

/** The demo world with these misconfigurations; a missing host group must not be listed in directory.groups. */
export function misconfiguredWorld(
  misconfigurations: Record<string, unknown>[],
  extra: Record<string, unknown> = {},
): World {
  const json = demoWorldJson() as unknown as Record<string, unknown> & {
    directory: { groups: Record<string, string[]> };
  };
  if (misconfigurations.some((m) => m.kind === 'host-group-missing')) json.directory.groups = {};
  return parseWorld({ ...json, misconfigurations, ...extra });
}
