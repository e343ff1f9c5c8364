import { describe, expect, it } from 'vitest';
import { parseWorld } from '../../lib/sandbox/world';
import { demoWorldJson, WIN } from './fixtures';

const withChanges = (changes: Record<string, unknown>) => ({ ...demoWorldJson(), ...changes });

describe('world files', () => {
  it('accepts the demo and parses scenario offsets into seconds', () => {
    const world = parseWorld(
      withChanges({
        scenario: [
          { at: '1h30m', launch: ['i-0a1b2c3d4e5f60001'] },
          { at: 45, kill: ['i-0a1b2c3d4e5f60001'] },
        ],
      }),
    );
    expect(world.scenario.map((s) => s.at)).toEqual([5400, 45]);
    expect(world.fleets[0]).toMatchObject({ readyAttribute: 'gmsa-ready', heartbeatTimeoutSeconds: 3600 });
  });

  it.each([
    [
      { instances: [{ instanceId: 'i-0a1b2c3d4e5f60001', autoScalingGroupName: WIN, faults: ['disk-full'] }] },
      /instances\[0\]\.faults\[0\]: must be one of join-fails/,
    ],
    [
      { instances: [{ instanceId: 'i-0a1b2c3d4e5f60001', autoScalingGroupName: 'nobody' }] },
      /instances\[0\]\.autoScalingGroupName: no fleet owns Auto Scaling group 'nobody'/,
    ],
    [
      { scenario: [{ at: 'soon', launch: ['i-0a1b2c3d4e5f60001'] }] },
      /scenario\[0\]\.at: must be a duration such as 0m, 90s or 1h30m/,
    ],
    [
      { scenario: [{ at: '0m', launch: ['i-0fffffffffffffff0'] }] },
      /scenario\[0\]\.launch\[0\]: instance i-0fffffffffffffff0 is not in instances/,
    ],
    [{ scenario: [{ at: '0m' }] }, /scenario\[0\]: needs launch, terminate or kill/],
    [{ directory: { id: 'd-1', name: 'corp.example.com' } }, /directory\.id: must look like d-1234567890/],
  ])('rejects %j naming the field', (changes, message) => {
    expect(() => parseWorld(withChanges(changes), 'w.json')).toThrow(message);
  });
});
