// The benchmark's world: the demo world's directory, credential specs and Windows fleet ("orders"),
// with N hosts of its Auto Scaling group. Ids and host names come from the host's index, so they are
// unique and the same for every run.
import { readFileSync } from 'node:fs';
import { DEMO_WORLD } from '../cli/run-world';
import { parseWorld, type World } from '../sandbox/world';

export const BENCH_FLEET = 'orders';
/** Hosts are numbered in base 36: EC2AMAZ- plus 7 characters allows this many. */
export const MAX_INSTANCES = 36 ** 7;

export function benchWorld(instances: number): World {
  if (!Number.isSafeInteger(instances) || instances < 1 || instances > MAX_INSTANCES)
    throw new RangeError(`instances: must be an integer from 1 to ${MAX_INSTANCES}, got ${instances}`);
  const demo = JSON.parse(readFileSync(DEMO_WORLD, 'utf8')) as {
    fleets: { name: string; autoScalingGroups: string[] }[];
  } & Record<string, unknown>;
  const fleet = demo.fleets.find((f) => f.name === BENCH_FLEET);
  if (!fleet) throw new Error(`the demo world has no fleet '${BENCH_FLEET}'`);
  const group = fleet.autoScalingGroups[0];
  return parseWorld(
    {
      ...demo,
      description: `benchmark: ${instances} Windows hosts of fleet ${BENCH_FLEET}`,
      fleets: [fleet],
      instances: Array.from({ length: instances }, (_, i) => ({
        instanceId: benchInstanceId(i),
        autoScalingGroupName: group,
        hostname: `EC2AMAZ-${i.toString(36).toUpperCase().padStart(7, '0')}`,
      })),
      scenario: [],
    },
    'benchmark world',
  );
}

export function benchInstanceId(index: number): string {
  return `i-0be${index.toString(16).padStart(14, '0')}`;
}
