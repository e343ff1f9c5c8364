// Property: whatever the fleets, hosts, faults, scale sequence and chaos, a sandbox run goes quiet with all
// five invariants of issue 7 holding. Each run is a fresh sandbox with the real handlers. A fixed seed keeps
// `npm test` reproducible; `npm run test:chaos` runs many more (CHAOS_RUNS, CHAOS_SEED to replay a failure).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { worldPlan } from './arbitraries';
import { counterexampleMessage, violationMessage } from './failure';
import { buildWorld, runWorld } from './worlds';

const RUNS = Number(process.env.CHAOS_RUNS ?? 8);
const SEED = Number(process.env.CHAOS_SEED ?? 20260101);

describe('sandbox runs under generated fleets, faults and chaos', () => {
  it(
    `go quiet with every invariant holding (${RUNS} runs, seed ${SEED})`,
    async () => {
      await fc.assert(
        fc.asyncProperty(worldPlan, fc.integer({ min: 1, max: 1000 }), async (plan, seed) => {
          const report = await runWorld(buildWorld(plan), seed);
          if (report.invariants.violations.length > 0) throw new Error(violationMessage(report.invariants.violations));
          expect(report.invariants.held).toBe(true);
          expect(report.sandbox.quiet, 'the sandbox went quiet (nothing left scheduled)').toBe(true);
        }),
        {
          numRuns: RUNS,
          seed: SEED,
          endOnFailure: RUNS > 50,
          reporter: (details) => {
            if (!details.failed) return;
            const [plan, seed] = details.counterexample ?? [];
            const cause = details.errorInstance instanceof Error ? details.errorInstance.message : 'no error';
            throw new Error(
              [
                `${cause}`,
                plan ? counterexampleMessage(plan, seed as number) : '',
                `after ${details.numRuns} run(s) and ${details.numShrinks} shrink(s); replay: CHAOS_SEED=${SEED} CHAOS_RUNS=${RUNS} npm run test:chaos`,
              ].join('\n'),
            );
          },
        },
      );
    },
    Math.max(600_000, RUNS * 30_000),
  );
});
