import {
  AutoScalingClient,
  AutoScalingServiceException,
  CompleteLifecycleActionCommand,
  RecordLifecycleActionHeartbeatCommand,
  ResourceContentionFault,
} from '@aws-sdk/client-auto-scaling';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { createAwsEffector } from '../../lib/aws/effector';
import { AT, sent } from './helpers';

const autoScaling = mockClient(AutoScalingClient);
const effector = createAwsEffector(['lifecycleActions'], { autoScaling: new AutoScalingClient({}) });
const token = '87654321-4321-4321-4321-210987654321';
const action = { autoScalingGroupName: 'ecs-win-a', hookName: 'gmsa-launch', token, instanceId: 'i-0123456789abcdef0' };
const complete = { type: 'completeLifecycleAction', ...action, result: 'CONTINUE' } as const;
const heartbeat = { type: 'recordHeartbeat', ...action } as const;

/** Auto Scaling's ValidationError has no class of its own in the SDK: it arrives as the service exception. */
const validationError = (message: string) =>
  new AutoScalingServiceException({
    name: 'ValidationError',
    $fault: 'client',
    $metadata: { httpStatusCode: 400 },
    message,
  });

beforeEach(() => autoScaling.reset());

describe('completeLifecycleAction', () => {
  it('completes the action with token, instance id and result', async () => {
    autoScaling.on(CompleteLifecycleActionCommand).resolves({});
    expect(await effector.run(complete, AT)).toEqual({ type: 'done', at: AT, effect: 'completeLifecycleAction' });
    expect(sent(autoScaling)).toEqual([
      [
        CompleteLifecycleActionCommand,
        {
          LifecycleHookName: 'gmsa-launch',
          AutoScalingGroupName: 'ecs-win-a',
          LifecycleActionToken: token,
          LifecycleActionResult: 'CONTINUE',
          InstanceId: 'i-0123456789abcdef0',
        },
      ],
    ]);
  });
});

describe('recordHeartbeat', () => {
  it('records a heartbeat for the action', async () => {
    autoScaling.on(RecordLifecycleActionHeartbeatCommand).resolves({});
    expect(await effector.run(heartbeat, AT)).toEqual({ type: 'done', at: AT, effect: 'recordHeartbeat' });
    expect(sent(autoScaling)).toEqual([
      [
        RecordLifecycleActionHeartbeatCommand,
        {
          LifecycleHookName: 'gmsa-launch',
          AutoScalingGroupName: 'ecs-win-a',
          LifecycleActionToken: token,
          InstanceId: 'i-0123456789abcdef0',
        },
      ],
    ]);
  });
});

describe.each([complete, heartbeat])('$type errors', (effect) => {
  it.each([
    `No active Lifecycle Action found with token ${token}`,
    'No active Lifecycle Action found with instance ID i-0123456789abcdef0',
  ])('"%s" means the action is already finished', async (message) => {
    autoScaling.onAnyCommand().rejects(validationError(message));
    expect(await effector.run(effect, AT)).toEqual({ type: 'actionGone', at: AT, effect: effect.type });
  });

  it('any other ValidationError is invalid', async () => {
    autoScaling.onAnyCommand().rejects(validationError('1 validation error detected'));
    expect(await effector.run(effect, AT)).toEqual({
      type: 'failed',
      at: AT,
      effect: effect.type,
      kind: 'invalid',
      message: 'ValidationError: 1 validation error detected',
    });
  });

  it('ResourceContentionFault is retryable', async () => {
    autoScaling.onAnyCommand().rejects(new ResourceContentionFault({ message: 'pending update', $metadata: {} }));
    expect(await effector.run(effect, AT)).toMatchObject({ type: 'failed', kind: 'retryable' });
  });
});
