// What the built-in demo world must end as, derived from the world file itself: every host is launched
// and the ones without a join fault are scaled in again, so they end TERMINATED; the join-fails host
// ends FAILED with a join reason.
import { DEMO_WORLD } from '../../lib/cli/run-world';
import { loadWorldFile } from '../../lib/sandbox/world';
import type { Status } from '../../lib/workflow/types';

export interface DemoHost {
  instanceId: string;
  fleet: string;
  status: Status;
}

/** The failed host's reason: step, the documented code (issue 15), the line of the join's output that showed it. */
export const FAILED_REASON =
  /^join: join-domain-not-found: .*The specified domain either does not exist or could not be contacted/;

export function demoHosts(): DemoHost[] {
  const world = loadWorldFile(DEMO_WORLD);
  const fleetOf = (group: string) => world.fleets.find((fleet) => fleet.autoScalingGroups.includes(group))?.name;
  return world.instances.map((instance) => ({
    instanceId: instance.instanceId,
    fleet: fleetOf(instance.autoScalingGroupName) ?? 'unknown',
    status: instance.faults.includes('join-fails') ? 'FAILED' : 'TERMINATED',
  }));
}
