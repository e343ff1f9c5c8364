// What a failed property run prints: which invariant broke, on which host, and the shrunk world as something
// to pin (a world file for the CLI, a plan for test/chaos/found.test.ts), so a counterexample is one copy away.
import type { Violation } from '../../lib/sandbox/invariants';
import { buildWorld, type WorldPlan } from './worlds';

/** The five invariants of issue 7, as lib/sandbox/invariants.ts states them. */
const INVARIANTS: Record<Violation['invariant'], string> = {
  1: 'every lifecycle action ends exactly once',
  2: 'a host is in its hostGroup only while alive and joined',
  3: 'the ready attribute only on a verified host',
  4: 'no step runs twice with a visible effect',
  5: 'no record lost or overwritten',
};

/** A failed run says which invariant broke, on which host, and why. */
export function violationMessage(violations: readonly Violation[]): string {
  return violations
    .map((v) => `invariant ${v.invariant} (${INVARIANTS[v.invariant]}) broken for ${v.instanceId}: ${v.message}`)
    .join('\n');
}

/** The shrunk counterexample as something to pin: the world file and the sandbox seed. */
export function counterexampleMessage(plan: WorldPlan, seed: number): string {
  return [
    `shrunk world (sandbox seed ${seed}), as a world file for \`gmsa-ready sandbox --world FILE --seed ${seed}\`:`,
    JSON.stringify(buildWorld(plan)),
    `as a plan for test/chaos/found.test.ts: runWorld(buildWorld(${JSON.stringify(plan)}), ${seed})`,
  ].join('\n');
}
