// `sandbox` and `replay --sandbox` exit statuses (issue 11): 4 when an invariant was violated, 3 for a rejected
// event taking precedence, 0 otherwise.
import { describe, expect, it } from 'vitest';
import { exitStatus } from '../../lib/cli/run-world';

const violation = { invariant: 4 as const, instanceId: 'i-00000000000000001', message: 'removed twice' };
const held = { held: true, violations: [] };
const broken = { held: false, violations: [violation] };
const rejection = { source: 'event.json', error: 'invalid event: detail.EC2InstanceId: must be an EC2 instance id' };

describe('exitStatus', () => {
  it('is 0 when every event was accepted and every invariant held', () => {
    expect(exitStatus({ rejected: [], invariants: held })).toBe(0);
  });

  it('is 4 when an invariant was violated', () => {
    expect(exitStatus({ rejected: [], invariants: broken })).toBe(4);
  });

  it('is 3 for a rejected event, even when an invariant was violated too', () => {
    expect(exitStatus({ rejected: [rejection], invariants: held })).toBe(3);
    expect(exitStatus({ rejected: [rejection], invariants: broken })).toBe(3);
  });
});
