import { ECSClient, PutAttributesCommand } from '@aws-sdk/client-ecs';
import { SQSClient } from '@aws-sdk/client-sqs';
import { SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { clientConfig } from '../../lib/aws/client-config';
import { createAwsEffector } from '../../lib/aws/effector';
import type { Effect } from '../../lib/workflow/types';
import { AT, awsError } from './helpers';

const put: Effect = { type: 'putReadyAttribute', cluster: 'c', containerInstanceArn: 'arn', name: 'gmsa-ready' };

const wake: Effect = { type: 'wake', instanceId: 'i-1', delaySeconds: 1 };
const queues = { wakeQueueUrl: 'https://sqs/wake', directoryQueueUrl: 'https://sqs/directory' };

describe('createAwsEffector', () => {
  it.each([
    [{ type: 'describeAgent', instanceId: 'i-1' }, /describeAgent needs runCommandStatus/],
    [put, /putReadyAttribute needs containers/],
    [
      { type: 'recordHeartbeat', autoScalingGroupName: 'a', hookName: 'h', token: 't', instanceId: 'i-1' },
      /recordHeartbeat needs lifecycleActions/,
    ],
    [{ type: 'tag', instanceId: 'i-1', status: 'READY', reason: null }, /tag needs tags/],
  ] as [Effect, RegExp][])('refuses %o, outside its capabilities, without calling AWS', async (effect, message) => {
    const sqs = mockClient(SQSClient);
    await expect(
      createAwsEffector(['enqueue'], { sqs: new SQSClient({}), env: queues }).run(effect, AT),
    ).rejects.toThrow(message);
    expect(sqs.calls()).toEqual([]);
    sqs.restore();
  });

  it('needs exactly the clients of its capabilities: a missing one is a compile error', () => {
    // @ts-expect-error enqueue needs an SQS client
    createAwsEffector(['enqueue'], { env: queues });
    // @ts-expect-error enqueue needs both queue URLs
    createAwsEffector(['enqueue'], { sqs: new SQSClient({}), env: { wakeQueueUrl: 'https://sqs/wake' } });
    // @ts-expect-error verify needs the credential spec checker as well as ECS
    createAwsEffector(['verify'], { ecs: new ECSClient({}) });
    // Capabilities without effects (records, the management hosts) need nothing here.
    expect(createAwsEffector(['records', 'managementCommands'], {})).toBeDefined();
  });

  it('performs what its capabilities name', async () => {
    const sqs = mockClient(SQSClient);
    expect(await createAwsEffector(['enqueue'], { sqs: new SQSClient({}), env: queues }).run(wake, AT)).toBeUndefined();
    expect(sqs.calls()).toHaveLength(1);
    sqs.restore();
  });

  it.each([
    { type: 'metric', datum: { name: 'X', unit: 'Count', value: 1, dimensions: {} } },
    { type: 'log', level: 'info', message: 'x', fields: {} },
  ] as Effect[])('refuses $type effects, which the engine handles', async (effect) => {
    await expect(
      createAwsEffector(['enqueue'], { sqs: new SQSClient({}), env: queues }).run(effect, AT),
    ).rejects.toThrow(/engine/);
  });

  it.each([
    ['ThrottlingException', 400, 'retryable'],
    ['ServiceUnavailable', 503, 'retryable'],
    ['TargetNotFoundException', 400, 'gone'],
    ['AccessDeniedException', 400, 'denied'],
    ['InvalidParameterException', 400, 'invalid'],
  ])('turns %s into a %s failure signal', async (name, status, kind) => {
    const ecs = mockClient(ECSClient);
    ecs.on(PutAttributesCommand).rejects(awsError(name, 'boom', status));
    const signal = await createAwsEffector(['containers'], { ecs: new ECSClient({}) }).run(put, AT);
    expect(signal).toEqual({ type: 'failed', at: AT, effect: 'putReadyAttribute', kind, message: `${name}: boom` });
    ecs.restore();
  });

  it('lets a bug (not an AWS error) escape instead of hiding it in a signal', async () => {
    const ecs = mockClient(ECSClient);
    ecs.on(PutAttributesCommand).rejects(new TypeError('cannot read properties of undefined'));
    await expect(createAwsEffector(['containers'], { ecs: new ECSClient({}) }).run(put, AT)).rejects.toThrow(TypeError);
    ecs.restore();
  });
});

describe('clientConfig', () => {
  it('makes clients retry adaptively, five attempts in all', async () => {
    const client = new SSMClient(clientConfig);
    expect(await client.config.retryStrategy()).toMatchObject({ mode: 'adaptive' });
    expect(await client.config.maxAttempts()).toBe(5);
  });
});
