// Auto Scaling lifecycle actions: complete and heartbeat.
import {
  type AutoScalingClient,
  CompleteLifecycleActionCommand,
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
