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
          { at: '90', terminate: ['i-0a1b2c3d4e5f60001'] },
        ],
      }),
    );
    // A string of digits is seconds, as the number is.
    expect(world.scenario.map((s) => s.at)).toEqual([5400, 45, 90]);
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
      /scenario\[0\]\.at: must be a duration such as "0m", "90s" or "1h30m", or seconds as a number or a string of digits/,
    ],
    [
      { scenario: [{ at: '0m', launch: ['i-0fffffffffffffff0'] }] },
      /scenario\[0\]\.launch\[0\]: instance i-0fffffffffffffff0 is not in instances/,
    ],
    [{ scenario: [{ at: '0m' }] }, /scenario\[0\]: needs launch, terminate, kill or toWarmPool/],
    [{ directory: { id: 'd-1', name: 'corp.example.com' } }, /directory\.id: must look like d-1234567890/],
  ])('rejects %j naming the field', (changes, message) => {
    expect(() => parseWorld(withChanges(changes), 'w.json')).toThrow(message);
  });
});

describe('world fields of issue 11', () => {
  const instance = (fields: Record<string, unknown>) => ({
    instances: [{ instanceId: 'i-0a1b2c3d4e5f60001', autoScalingGroupName: WIN, ...fields }],
    scenario: [],
  });

  it.each(['ip-172-31-100-200', 'i-0123456789abcdef0', 'EC2AMAZ-7Q2LK9D', `ip-${'a'.repeat(60)}`])(
    'accepts the EC2 host name %s (one DNS label, at most 63 characters)',
    (hostname) => {
      expect(parseWorld(withChanges(instance({ hostname }))).instances[0]?.hostname).toBe(hostname);
    },
  );

  it.each([`ip-${'a'.repeat(61)}`, '-ip-172-31-1-2', 'ip_172_31_1_2', 'host.example.com'])(
    'refuses the host name %s',
    (hostname) => {
      expect(() => parseWorld(withChanges(instance({ hostname })))).toThrow(
        /instances\[0\]\.hostname: must be a host name: one DNS label of at most 63/,
      );
    },
  );

  it('accepts the lost-event faults', () => {
    const world = parseWorld(withChanges(instance({ faults: ['launch-event-lost', 'terminate-event-lost'] })));
    expect(world.instances[0]).toMatchObject({ faults: ['launch-event-lost', 'terminate-event-lost'] });
  });

  it('accepts running: true (a host in service before the world starts) and refuses to launch it, naming the step', () => {
    expect(parseWorld(withChanges(instance({ running: true }))).instances[0]?.running).toBe(true);
    expect(parseWorld(withChanges(instance({}))).instances[0]?.running).toBe(false);
    expect(() =>
      parseWorld(
        withChanges({ ...instance({ running: true }), scenario: [{ at: 0, launch: ['i-0a1b2c3d4e5f60001'] }] }),
      ),
    ).toThrow(/scenario\[0\]\.launch\[0\]: instance i-0a1b2c3d4e5f60001 is already running \(instances\[\]\.running\)/);
    expect(() => parseWorld(withChanges(instance({ running: 'yes' })))).toThrow(/instances\[0\]\.running/);
  });

  it('bounds scenario[].at by the 24 h the sandbox runs a world for', () => {
    const at = (value: string | number) => withChanges({ scenario: [{ at: value, launch: ['i-0a1b2c3d4e5f60001'] }] });
    expect(parseWorld(at('24h')).scenario[0]?.at).toBe(86400);
    expect(() => parseWorld(at('24h0m1s'))).toThrow(/scenario\[0\]\.at: must be at most 24h \(86400 s\)/);
    expect(() => parseWorld(at(90000))).toThrow(/scenario\[0\]\.at: must be at most 24h/);
  });
});
