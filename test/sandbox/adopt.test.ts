// World `running: true` (issue 11): hosts in service before the world starts, unknown to gmsa-ready. The
// sweep adopts them without changing them; a later scale-in of one cleans the directory like any other.
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../../lib/sandbox/report';
import { loadWorldFile } from '../../lib/sandbox/world';
import { runWorld } from '../property/worlds';

const WORLD = fileURLToPath(new URL('../../events/worlds/adopt.json', import.meta.url));
const ADOPTED_WIN = 'i-0c1d2e3f4a5b60002';
const SCALED_IN_WIN = 'i-0c1d2e3f4a5b60001';
const LAUNCHED = 'i-0c1d2e3f4a5b60003';
const SCALED_IN_LINUX = 'i-0c1d2e3f4a5b60004';
const ADOPTED_LINUX = 'i-0c1d2e3f4a5b60005';

let report: Report;
const host = (id: string) => report.instances.find((i) => i.instanceId === id);

beforeAll(async () => {
  report = await runWorld(loadWorldFile(WORLD));
}, 120_000);

describe('events/worlds/adopt.json', () => {
  it('adopts every running host as READY and ends quiet with the five invariants holding', () => {
    expect(report.invariants).toEqual({ held: true, violations: [] });
    expect(report.sandbox.quiet).toBe(true);
    expect(report.sandbox.accessDenied).toEqual([]);
    for (const id of [ADOPTED_WIN, ADOPTED_LINUX])
      expect(host(id)).toMatchObject({
        status: 'READY',
        inHostGroup: true,
        computerAccount: 'present',
        ecsReady: true,
      });
    expect(
      host(ADOPTED_WIN)
        ?.history.map((h) => h.detail)
        .join('\n'),
    ).toMatch(/adopting: found InService by the sweep/);
    expect(host(LAUNCHED)).toMatchObject({ status: 'READY', lifecycleResult: 'CONTINUE' });
  });

  it('changes nothing on an adopted host: no command runs on it and no lifecycle action is completed for it', () => {
    const onHost = report.commands.filter((c) => c.instanceIds.some((id) => [ADOPTED_WIN, ADOPTED_LINUX].includes(id)));
    expect(onHost).toEqual([]);
    expect(host(ADOPTED_WIN)?.lifecycleResult).toBeNull();
    // The only group changes naming the adopted hosts' accounts are read-only resolves.
    const account = host(ADOPTED_WIN)?.computerName;
    const touching = report.commands.filter((c) => c.parameters.ComputerNames?.[0]?.includes(`${account}$`));
    expect(touching.map((c) => c.parameters.Action?.[0])).toEqual(['resolve']);
  });

  it('scales an adopted host in like any other: out of its group, its account deleted', () => {
    for (const id of [SCALED_IN_WIN, SCALED_IN_LINUX])
      expect(host(id)).toMatchObject({
        status: 'TERMINATED',
        lifecycleResult: 'CONTINUE',
        inHostGroup: false,
        computerAccount: 'absent',
      });
    const removal = report.commands.find(
      (c) => c.parameters.Action?.[0] === 'remove' && c.parameters.ComputerNames?.[0]?.includes('EC2AMAZ-OLD0001$'),
    );
    expect(removal?.parameters.ObjectSids?.[0]).toMatch(/^S-1-5-21-/);
    expect(report.directory.groups.OrdersApiHosts).not.toContain('EC2AMAZ-OLD0001$');
  });
});
