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

describe('createAwsEffector', () => {
  it.each([
    [{ type: 'describeAgent', instanceId: 'i-1' }, /ssm client/],
    [put, /ecs client/],
    [{ type: 'wake', instanceId: 'i-1', delaySeconds: 1 }, /sqs client/],
    [
      { type: 'recordHeartbeat', autoScalingGroupName: 'a', hookName: 'h', token: 't', instanceId: 'i-1' },
      /autoScaling/,
    ],
    [{ type: 'tag', instanceId: 'i-1', status: 'READY', reason: null }, /tagging client/],
  ] as [Effect, RegExp][])('throws when the client for %o was not supplied', async (effect, message) => {
    await expect(createAwsEffector({ env: {} }).run(effect, AT)).rejects.toThrow(message);
  });

  it('throws when a queue URL the effect needs is not configured', async () => {
    const effector = createAwsEffector({ sqs: new SQSClient({}), env: {} });
    await expect(effector.run({ type: 'wake', instanceId: 'i-1', delaySeconds: 1 }, AT)).rejects.toThrow(
      /env.wakeQueueUrl/,
    );
  });

  it('throws when inspect has no credential spec checker', async () => {
    const effector = createAwsEffector({ ecs: new ECSClient({}), env: {} });
    const inspect: Effect = {
      type: 'inspect',
      cluster: 'c',
      instanceId: 'i-1',
      credentialSpecs: [],
      directoryName: 'corp.example.com',
      platform: 'linux',
      mode: 'domain-joined',
      discover: false,
    };
    await expect(effector.run(inspect, AT)).rejects.toThrow(/credSpecs/);
  });

  it.each([
    { type: 'metric', datum: { name: 'x', unit: 'Count', value: 1, dimensions: {} } },
    { type: 'log', level: 'info', message: 'x', fields: {} },
  ] as Effect[])('refuses $type effects, which the engine handles', async (effect) => {
    await expect(createAwsEffector({ ssm: new SSMClient({}), env: {} }).run(effect, AT)).rejects.toThrow(/engine/);
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
    const signal = await createAwsEffector({ ecs: new ECSClient({}), env: {} }).run(put, AT);
    expect(signal).toEqual({ type: 'failed', at: AT, effect: 'putReadyAttribute', kind, message: `${name}: boom` });
    ecs.restore();
  });

  it('lets a bug (not an AWS error) escape instead of hiding it in a signal', async () => {
    const ecs = mockClient(ECSClient);
    ecs.on(PutAttributesCommand).rejects(new TypeError('cannot read properties of undefined'));
    await expect(createAwsEffector({ ecs: new ECSClient({}), env: {} }).run(put, AT)).rejects.toThrow(TypeError);
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
