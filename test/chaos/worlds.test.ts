// The shipped chaos worlds (events/worlds/chaos*.json) under the CLI's own path: each goes quiet with every
// invariant holding, no call refused by IAM, and the chaos it names was really injected.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadWorldFile } from '../../lib/sandbox/world';
import { runWorld } from '../property/worlds';

const DIR = fileURLToPath(new URL('../../events/worlds/', import.meta.url));
const WORLDS = readdirSync(DIR).filter((f) => f.startsWith('chaos') && f.endsWith('.json'));

describe('chaos worlds', () => {
  it('ships the default chaos world and its variants', () => {
    expect(WORLDS).toEqual(expect.arrayContaining(['chaos.json', 'chaos-duplicates.json', 'chaos-lost-status.json']));
  });

  it.each(WORLDS)(
    '%s ends with every invariant holding',
    async (file) => {
      const world = loadWorldFile(join(DIR, file));
      const report = await runWorld(world);
      expect(report.invariants).toEqual({ held: true, violations: [] });
      expect(report.sandbox.quiet).toBe(true);
      // Every SDK call was judged by its function's role (lib/sandbox/iam.ts): none was refused.
      expect(report.sandbox.accessDenied).toEqual([]);
      expect(report.instances.map((i) => i.status)).not.toContain('NO_RECORD');
      const injected = report.sandbox.chaos ?? {};
      if (world.chaos?.duplicateEvents) expect(injected.duplicatedEvents).toBeGreaterThan(0);
      if (world.chaos?.dropStatusEvents) expect(injected.droppedStatusEvents).toBeGreaterThan(0);
      if (world.chaos?.throttle) expect(injected.throttled).toBeGreaterThan(0);
    },
    60_000,
  );
});
