import {
  AutoScalingClient,
  AutoScalingServiceException,
  CompleteLifecycleActionCommand,
  DescribeAutoScalingInstancesCommand,
  RecordLifecycleActionHeartbeatCommand,
  ResourceContentionFault,
} from '@aws-sdk/client-auto-scaling';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { describeGroupInstances } from '../../lib/aws/autoscaling';
import { createAwsEffector } from '../../lib/aws/effector';
import { AT, awsError, sent } from './helpers';

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

describe('describeGroupInstances', () => {
  const client = new AutoScalingClient({});
  const row = (InstanceId: string, AutoScalingGroupName: string, LifecycleState: string) => ({
    InstanceId,
    AutoScalingGroupName,
    LifecycleState,
    AvailabilityZone: 'us-east-1a',
    HealthStatus: 'HEALTHY',
    ProtectedFromScaleIn: false,
  });

  it('reads one page of 50 from the given token and hands back the next token', async () => {
    autoScaling.on(DescribeAutoScalingInstancesCommand).resolves({
      AutoScalingInstances: [
        row('i-0123456789abcdef0', 'ecs-win-a', 'Pending:Wait'),
        row('i-0fedcba9876543210', 'other-team', 'Warmed:Pending:Wait'),
      ],
      NextToken: 'page-3',
    });
    expect(await describeGroupInstances(client, 'page-2')).toEqual({
      instances: [
        { instanceId: 'i-0123456789abcdef0', autoScalingGroupName: 'ecs-win-a', lifecycleState: 'Pending:Wait' },
        {
          instanceId: 'i-0fedcba9876543210',
          autoScalingGroupName: 'other-team',
          lifecycleState: 'Warmed:Pending:Wait',
        },
      ],
      nextToken: 'page-3',
    });
    expect(sent(autoScaling)).toEqual([[DescribeAutoScalingInstancesCommand, { MaxRecords: 50, NextToken: 'page-2' }]]);
  });

  it('has no next token after the last page', async () => {
    autoScaling.on(DescribeAutoScalingInstancesCommand).resolves({ AutoScalingInstances: [] });
    expect(await describeGroupInstances(client)).toEqual({ instances: [] });
  });

  it('asks to start over when its token is refused, and throws anything else', async () => {
    autoScaling.on(DescribeAutoScalingInstancesCommand).rejects(awsError('InvalidNextToken', 'The token is invalid'));
    expect(await describeGroupInstances(client, 'stale')).toEqual({ instances: [], restart: true });
    await expect(describeGroupInstances(client)).rejects.toThrow('The token is invalid');
    autoScaling.on(DescribeAutoScalingInstancesCommand).rejects(awsError('Throttling', 'Rate exceeded'));
    await expect(describeGroupInstances(client, 'stale')).rejects.toThrow('Rate exceeded');
  });
});
