// The shipped self-managed world (events/worlds/self-managed.json): a Windows and a Linux fleet in a directory
// AWS does not manage join with the project's documents, which read the credential on the host; the functions
// never read it, and nothing the run reports holds the password.
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadWorldFile } from '../../lib/sandbox/world';
import { runWorld } from '../property/worlds';

const FILE = fileURLToPath(new URL('../../events/worlds/self-managed.json', import.meta.url));

describe('self-managed world', () => {
  it('joins both fleets with the join documents, serves them and scales in, every invariant holding', async () => {
    const world = loadWorldFile(FILE);
    expect(world.fleets.map((f) => f.directory.type)).toEqual(['self-managed', 'self-managed']);
    const report = await runWorld(world);
    expect(report.invariants).toEqual({ held: true, violations: [] });
    expect(report.sandbox.quiet).toBe(true);
    // The scenario scales out five hosts and terminates some: none fails.
    for (const instance of report.instances) expect(['READY', 'TERMINATED']).toContain(instance.status);
    expect(report.instances.map((i) => i.status)).toContain('TERMINATED');
    const joins = report.commands.filter((c) => /Join/.test(c.documentName));
    // Each of the five hosts joined once; hosts of a fleet joining together share one command (issue 16).
    expect(joins.flatMap((c) => c.instanceIds)).toHaveLength(5);
    expect(new Set(joins.flatMap((c) => c.instanceIds)).size).toBe(5);
    expect(joins.every((c) => c.status === 'Success')).toBe(true);
    expect(new Set(joins.map((c) => c.documentName))).toEqual(
      new Set(['gmsa-ready-sandbox-JoinWindows', 'gmsa-ready-sandbox-JoinLinux']),
    );
    expect(Object.keys(report.sandbox.awsCalls).filter((call) => /GetSecretValue/.test(call))).toEqual([]);
    expect(JSON.stringify(report)).not.toContain('Sandbox-Only-Pa55!');
  }, 120_000);

  it('accepts secrets as an array of ARNs as before, and as {ARN: value}', () => {
    const world = loadWorldFile(FILE);
    expect(world.secrets).toHaveLength(2);
    expect(Object.keys(world.secretValues)).toEqual(world.secrets);
  });
});
