// The shipped big-group world (events/worlds/big-group.json, issue 21): a host group of 3,000 computers
// gmsa-ready never recorded. The scavenger lists it in pages of 200 (more than one GetCommandInvocation output
// holds), proves the listing whole, reports every member unknown and touches none of them.
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadWorldFile, parseWorld, WorldError } from '../../lib/sandbox/world';
import { runWorld } from '../property/worlds';

const FILE = fileURLToPath(new URL('../../events/worlds/big-group.json', import.meta.url));

describe('big-group world', () => {
  it('reports 3,000 unknown members from a complete paged listing and changes none of them', async () => {
    const world = loadWorldFile(FILE);
    expect(world.directory.groups.OrdersApiHosts).toHaveLength(3000);
    const report = await runWorld(world);
    expect(report.scavenge).toEqual({
      orders: { members: 3000, recorded: 0, stale: 0, unknown: 3000, partial: false },
    });
    expect(report.invariants).toEqual({ held: true, violations: [] });
    const listings = report.commands.filter((c) => c.documentName.endsWith('-ListMembers'));
    // 3,000 members at most 200 a page: 15 pages, each starting after the last name of the one before.
    expect(listings.map((c) => c.parameters.StartAfter?.[0])).toEqual([
      '-',
      ...Array.from({ length: 14 }, (_, i) => `MEMBER${String((i + 1) * 200).padStart(5, '0')}$`),
    ]);
    // None touched: every generated member is still a member, still a computer, named by no group change.
    const members = new Set(report.directory.groups.OrdersApiHosts);
    for (let i = 1; i <= 3000; i++) expect(members.has(`MEMBER${String(i).padStart(5, '0')}$`)).toBe(true);
    expect(report.directory.computers.filter((c) => c.startsWith('MEMBER'))).toHaveLength(3000);
    const changes = report.commands.filter((c) => c.documentName.endsWith('-GroupChange'));
    expect(changes.flatMap((c) => c.parameters.ComputerNames ?? []).join(',')).not.toContain('MEMBER');
  }, 120_000);

  it.each([
    [{ OrdersApiHosts: 0 }, 'directory.generatedMembers.OrdersApiHosts: must be at least 1'],
    [{ OrdersApiHosts: 20_001 }, 'directory.generatedMembers.OrdersApiHosts: must be at most 20000'],
    [{ OrdersApiHosts: 1.5 }, 'directory.generatedMembers.OrdersApiHosts: must be a whole number of members'],
    [{ 'Orders;Hosts': 3 }, 'directory.generatedMembers["Orders;Hosts"]: Invalid key in record'],
  ])('refuses generatedMembers %o, naming the field', (generatedMembers, message) => {
    const world = loadWorldFile(FILE) as unknown as Record<string, unknown> & { directory: object };
    const raw = { ...world, directory: { name: 'corp.example.com', id: 'd-1234567890', generatedMembers } };
    expect(() => parseWorld(raw)).toThrow(WorldError);
    expect(() => parseWorld(raw)).toThrow(message);
  });
});
