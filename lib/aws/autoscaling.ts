// Auto Scaling: complete and heartbeat lifecycle actions; one page of the groups' instances for the sweep.
import {
  type AutoScalingClient,
  CompleteLifecycleActionCommand,
  DescribeAutoScalingInstancesCommand,
  RecordLifecycleActionHeartbeatCommand,
} from '@aws-sdk/client-auto-scaling';
import { hasName } from './errors';
import type { EffectOf, OutcomeOf } from './outcome';

/**
 * A late or repeated call gets `ValidationError: No active Lifecycle Action found with token|instance ID ...`:
 * the action is already finished (by us, by its timeout, or by someone else).
 */
function isActionGone(error: unknown): boolean {
  return (
    hasName(error, 'ValidationError') &&
    error instanceof Error &&
    error.message.startsWith('No active Lifecycle Action found')
  );
}

type LifecycleEffect = EffectOf<'completeLifecycleAction' | 'recordHeartbeat'>;

async function settle(effect: LifecycleEffect, call: Promise<unknown>): Promise<OutcomeOf<'done' | 'actionGone'>> {
  try {
    await call;
    return { type: 'done', effect: effect.type };
  } catch (error) {
    if (isActionGone(error)) return { type: 'actionGone', effect: effect.type };
    throw error;
  }
}

export function completeLifecycleAction(
  autoScaling: AutoScalingClient,
  effect: EffectOf<'completeLifecycleAction'>,
): Promise<OutcomeOf<'done' | 'actionGone'>> {
  const command = new CompleteLifecycleActionCommand({
    LifecycleHookName: effect.hookName,
    AutoScalingGroupName: effect.autoScalingGroupName,
    LifecycleActionToken: effect.token,
    LifecycleActionResult: effect.result,
    InstanceId: effect.instanceId,
  });
  return settle(effect, autoScaling.send(command));
}

export function recordHeartbeat(
  autoScaling: AutoScalingClient,
  effect: EffectOf<'recordHeartbeat'>,
): Promise<OutcomeOf<'done' | 'actionGone'>> {
  const command = new RecordLifecycleActionHeartbeatCommand({
    LifecycleHookName: effect.hookName,
    AutoScalingGroupName: effect.autoScalingGroupName,
    LifecycleActionToken: effect.token,
    InstanceId: effect.instanceId,
  });
  return settle(effect, autoScaling.send(command));
}

/** An instance of some Auto Scaling group as the sweep sees it. */
export interface GroupInstance {
  instanceId: string;
  autoScalingGroupName: string;
  /** Pending:Wait, Warmed:Pending:Wait, InService, Terminating:Wait, ... (AutoScalingInstanceDetails.LifecycleState). */
  lifecycleState: string;
}

export interface GroupInstancePage {
  instances: GroupInstance[];
  /** Where the next page starts; absent after the last page. */
  nextToken?: string;
  /** The token given was refused (expired or from another listing): start again from the first page. */
  restart?: true;
}

/** DescribeAutoScalingInstances' page size: 50 is both its default and its maximum. */
const INSTANCES_PER_PAGE = 50;

/**
 * One page of DescribeAutoScalingInstances: every group's instances in the Region, warm pool instances included
 * (their states are `Warmed:*`; DescribeAutoScalingGroups would leave them out). One IAM action, which takes no
 * resource-level condition; the caller keeps the groups it serves.
 */
export async function describeGroupInstances(
  autoScaling: AutoScalingClient,
  nextToken?: string,
): Promise<GroupInstancePage> {
  try {
    const page = await autoScaling.send(
      new DescribeAutoScalingInstancesCommand({ MaxRecords: INSTANCES_PER_PAGE, NextToken: nextToken }),
    );
    const instances: GroupInstance[] = [];
    for (const i of page.AutoScalingInstances ?? [])
      if (i.InstanceId && i.AutoScalingGroupName && i.LifecycleState)
        instances.push({
          instanceId: i.InstanceId,
          autoScalingGroupName: i.AutoScalingGroupName,
          lifecycleState: i.LifecycleState,
        });
    return page.NextToken ? { instances, nextToken: page.NextToken } : { instances };
  } catch (error) {
    if (nextToken !== undefined && hasName(error, 'InvalidNextToken')) return { instances: [], restart: true };
    throw error;
  }
}
