// The reconciler's sweep of the Auto Scaling groups: nothing relies on a lifecycle event arriving. A bounded
// number of DescribeAutoScalingInstances pages per run, resumed where the last run stopped; every instance of a
// configured group in a state the core acts on is handed to the core, which decides (lib/workflow/sweep.ts).
import type { GroupInstancePage } from '../aws/autoscaling';
import { fleetForGroup } from '../config/load';
import { SWEPT_STATES, sweepMove } from '../workflow/sweep';
import { deliver, type EngineDeps } from './engine';

export interface SweepOptions {
  /** One page of the Region's Auto Scaling instances (50 a page), from `nextToken`. */
  describe: (nextToken?: string) => Promise<GroupInstancePage>;
  /** Pages read per run: 4 pages, 200 instances, a full pass over 5,000 hosts every 25 runs. */
  pagesPerRun?: number;
  /**
   * Adoptions started per run (default 20): each costs a DescribeInstanceInformation, a resolve on the
   * management host and an inspect, so a first sweep over thousands of pre-existing hosts is spread out.
   */
  adoptionsPerRun?: number;
}

export interface SweepSummary {
  /** Instances of configured groups in a swept state, handed to the core. */
  looked: number;
  /** Of those, records the core changed (a launch, terminate or adoption started). */
  served: string[];
  /** Adoptions started this run (at most adoptionsPerRun). */
  adopted: number;
  /** Running hosts with no record left for a later pass: this run's adoptions were used up. */
  deferred: number;
  errors: number;
  /** The pass reached the last page this run (the next run starts again from the first). */
  wrapped: boolean;
}

const MARKER = 'sweep';

export async function sweep(deps: EngineDeps, options: SweepOptions): Promise<SweepSummary> {
  const summary: SweepSummary = { looked: 0, served: [], adopted: 0, deferred: 0, errors: 0, wrapped: false };
  const adoptions = options.adoptionsPerRun ?? 20;
  const saved = await deps.store.getMarker(MARKER);
  let token = saved;
  for (let page = 0; page < (options.pagesPerRun ?? 4); page++) {
    let result: GroupInstancePage;
    try {
      result = await options.describe(token);
    } catch (error) {
      summary.errors += 1;
      deps.telemetry.log('warn', 'could not list Auto Scaling instances; the sweep goes on next run', {
        error: String(error),
      });
      break;
    }
    if (result.restart) {
      token = undefined;
      continue;
    }
    for (const instance of result.instances) {
      const fleet = fleetForGroup(deps.config, instance.autoScalingGroupName);
      if (!fleet || !SWEPT_STATES.has(instance.lifecycleState)) continue;
      summary.looked += 1;
      try {
        const existing = await deps.store.get(instance.instanceId);
        const signal = {
          type: 'groupState',
          at: deps.now(),
          state: instance.lifecycleState,
          autoScalingGroupName: instance.autoScalingGroupName,
        } as const;
        const adopts = sweepMove(existing, signal.state, signal.at) === 'adopt';
        if (adopts && summary.adopted >= adoptions) {
          summary.deferred += 1;
          continue;
        }
        const after = await deliver(deps, instance.instanceId, signal, fleet);
        if (after && after.version !== existing?.version) {
          summary.served.push(instance.instanceId);
          if (adopts) summary.adopted += 1;
        }
      } catch (error) {
        summary.errors += 1;
        deps.telemetry.log('error', 'sweep could not serve an instance', {
          instanceId: instance.instanceId,
          error: String(error),
        });
      }
    }
    token = result.nextToken;
    if (!token) {
      summary.wrapped = true;
      break;
    }
  }
  if (token !== saved) await deps.store.putMarker(MARKER, token); // unchanged (a one-page pass): no write
  if (summary.served.length > 0)
    deps.telemetry.log('info', 'sweep served instances whose lifecycle events never arrived', {
      instances: summary.served,
    });
  return summary;
}
