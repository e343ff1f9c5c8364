// One world per misconfiguration kind: the doctor, run against the sandbox account the world builds, fails
// exactly that kind's check (on the fleets it names) and nothing else; a world without any passes them all.
import { describe, expect, it } from 'vitest';
import type { Config } from '../../lib/config/schema';
import { allPassed, runChecks } from '../../lib/doctor/checks';
import { gatherFacts } from '../../lib/doctor/gather';
import { doctorNames } from '../../lib/doctor/names';
import { sandboxProbe } from '../../lib/doctor/sandbox-probe';
import { MISCONFIGURATIONS, parseWorld, type World } from '../../lib/sandbox/world';
import { demoWorldJson } from '../sandbox/fixtures';
import { misconfiguredWorld, ORDERS_SPEC } from './worlds';

async function doctor(world: World) {
  const config = { fleets: world.fleets } as Config;
  return runChecks(config, await gatherFacts(config, doctorNames('sandbox'), sandboxProbe(world)));
}

const failing = async (world: World) =>
  (await doctor(world)).filter((c) => !c.ok).map((c) => `${c.fleet ?? '-'} ${c.id}`);

describe('doctor against a sandbox world', () => {
  it('passes every check of a world without misconfigurations', async () => {
    const checks = await doctor(misconfiguredWorld([]));
    expect(allPassed(checks)).toBe(true);
    // Every family of checks ran: nothing was skipped for want of evidence.
    expect(new Set(checks.map((c) => c.id))).toEqual(
      new Set([
        'eventbridge-rules',
        'table',
        'queues',
        'dead-letter-queues',
        'auto-scaling-groups',
        'launch-hook',
        'terminate-hook',
        'hook-timeout',
        'directory',
        'management-host-online',
        'management-host-windows',
        'ad-module',
        'host-group',
        'gmsa-principals',
        'kds-root-key',
        'credential-specs',
      ]),
    );
  });

  // The demo's two fleets share one management host and one domain: what breaks those breaks both fleets' line.
  const cases: [Record<string, unknown>, string[]][] = [
    [{ kind: 'launch-hook-missing', fleet: 'orders' }, ['orders launch-hook']],
    [{ kind: 'terminate-hook-missing', fleet: 'orders' }, ['orders terminate-hook']],
    [{ kind: 'hook-timeout-mismatch', fleet: 'payments-linux' }, ['payments-linux hook-timeout']],
    [{ kind: 'host-group-missing', fleet: 'orders' }, ['orders host-group']],
    [{ kind: 'host-group-not-allowed-to-retrieve-gmsa', fleet: 'orders' }, ['orders gmsa-principals']],
    [
      { kind: 'management-host-offline', fleet: 'orders' },
      ['orders management-host-online', 'payments-linux management-host-online'],
    ],
    [{ kind: 'ad-module-missing' }, ['orders ad-module', 'payments-linux ad-module']],
    [{ kind: 'kds-root-key-missing' }, ['orders kds-root-key', 'payments-linux kds-root-key']],
    [{ kind: 'credspec-unreadable', arn: ORDERS_SPEC }, ['orders credential-specs']],
  ];

  it('has a case for every kind', () => {
    expect(new Set(cases.map(([m]) => m.kind))).toEqual(new Set(MISCONFIGURATIONS));
  });

  it.each(cases)('%j fails exactly %j', async (misconfiguration, expected) => {
    expect(await failing(misconfiguredWorld([misconfiguration]))).toEqual(expected);
  });

  it('applies a fleet kind without fleet to every fleet', async () => {
    expect(await failing(misconfiguredWorld([{ kind: 'launch-hook-missing' }]))).toEqual([
      'orders launch-hook',
      'payments-linux launch-hook',
    ]);
  });

  it('says what it found and what to do', async () => {
    const checks = await doctor(misconfiguredWorld([{ kind: 'hook-timeout-mismatch', fleet: 'orders' }]));
    const check = checks.find((c) => !c.ok);
    expect(check).toMatchObject({
      id: 'hook-timeout',
      fleet: 'orders',
      message: expect.stringContaining("has HeartbeatTimeout 900 s, the fleet's heartbeatTimeoutSeconds is 3600"),
      remedy: expect.stringContaining('--heartbeat-timeout'),
    });
    const offline = await doctor(misconfiguredWorld([{ kind: 'management-host-offline' }]));
    expect(offline.find((c) => c.id === 'management-host-online')?.message).toBe(
      'i-0123456789abcdef0 is ConnectionLost in SSM; ad-module, host-group, gmsa-principals and kds-root-key were not checked',
    );
    const unreadable = await doctor(misconfiguredWorld([{ kind: 'credspec-unreadable', arn: ORDERS_SPEC }]));
    expect(unreadable.find((c) => !c.ok)?.message).toContain(`${ORDERS_SPEC} cannot be read`);
  });
});

describe('world misconfigurations are validated naming the field', () => {
  it.each([
    [{ kind: 'dns-broken' }, /misconfigurations\[0\]\.kind: must be one of launch-hook-missing/],
    [{ kind: 'launch-hook-missing', fleet: 'nobody' }, /misconfigurations\[0\]\.fleet: no fleet is named 'nobody'/],
    [{ kind: 'credspec-unreadable' }, /misconfigurations\[0\]\.arn: is required for credspec-unreadable/],
    [
      { kind: 'credspec-unreadable', arn: 'arn:aws:s3:::elsewhere/x.json' },
      /misconfigurations\[0\]\.arn: is not among any fleet's credentialSpecs/,
    ],
    [
      { kind: 'ad-module-missing', arn: ORDERS_SPEC },
      /misconfigurations\[0\]\.arn: applies to credspec-unreadable only/,
    ],
    [
      { kind: 'kds-root-key-missing', fleet: 'orders' },
      /misconfigurations\[0\]\.fleet: does not apply to kds-root-key-missing/,
    ],
    [{ kind: 'launch-hook-missing', when: 'later' }, /misconfigurations\[0\]: Unrecognized key: "when"/],
  ])('refuses %j', (misconfiguration, message) => {
    expect(() => parseWorld({ ...demoWorldJson(), misconfigurations: [misconfiguration] }, 'w.json')).toThrow(message);
  });

  it('refuses a missing host group that directory.groups still lists', () => {
    expect(() =>
      parseWorld({ ...demoWorldJson(), misconfigurations: [{ kind: 'host-group-missing', fleet: 'orders' }] }),
    ).toThrow(
      /misconfigurations\[0\]\.kind: host-group-missing removes 'OrdersApiHosts', which directory\.groups lists/,
    );
  });
});
