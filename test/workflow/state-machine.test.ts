// The transition tables are the state machine: their order, their consistency, and the diagram in
// docs/state-machine.md drawn from them (UPDATE_DOCS=1, or `npm run docs:state-machine`, rewrites it).
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { renderStateMachine } from '../../lib/workflow/diagram';
import { LAUNCH, PLAN } from '../../lib/workflow/launch';
import type { Row } from '../../lib/workflow/table';
import { TERMINATE, TERMINATE_PLAN } from '../../lib/workflow/terminate';
import { STEP_DEADLINE } from '../../lib/workflow/timing';

const DOC = fileURLToPath(new URL('../../docs/state-machine.md', import.meta.url));
const ROWS: [string, Row][] = [...Object.entries(LAUNCH), ...Object.entries(TERMINATE)];

describe('the state machine', () => {
  it('launch runs agent → join → identify → resolve → authorize → refresh → verify → ready → complete, undo off the plan', () => {
    expect(PLAN).toEqual([
      'agent',
      'join',
      'identify',
      'resolve',
      'authorize',
      'refresh',
      'verify',
      'ready',
      'complete',
    ]);
    expect(Object.keys(LAUNCH).filter((step) => !PLAN.includes(step as never))).toEqual(['undo']);
  });

  it('terminate runs drain → deauthorize → complete', () => {
    expect(TERMINATE_PLAN).toEqual(['drain', 'deauthorize', 'complete']);
  });

  it('every step belongs to exactly one table and every transition leads to a step or ends', () => {
    const launch = Object.keys(LAUNCH);
    const terminate = Object.keys(TERMINATE);
    expect(launch.filter((step) => terminate.includes(step))).toEqual(['complete']); // each workflow has its own
    const steps = new Set([...launch, ...terminate, 'done']);
    for (const [step, row] of ROWS) {
      expect(steps, `${step}.next`).toContain(row.next);
      for (const exit of row.exits) expect(steps, `${step} exit '${exit.when}'`).toContain(exit.to);
      expect(row.consumes.length, `${step} consumes something`).toBeGreaterThan(0);
    }
  });

  it('deadlines come from timing.ts (drain from the fleet)', () => {
    for (const [step, row] of ROWS) {
      const expected = step === 'drain' ? 'drain' : STEP_DEADLINE[step as keyof typeof STEP_DEADLINE];
      expect(row.deadline, step).toBe(expected);
    }
  });

  it('docs/state-machine.md is the diagram the tables draw', () => {
    const drawn = renderStateMachine();
    if (process.env.UPDATE_DOCS === '1') writeFileSync(DOC, drawn);
    expect(readFileSync(DOC, 'utf8'), 'stale: run `npm run docs:state-machine`').toBe(drawn);
  });
});
