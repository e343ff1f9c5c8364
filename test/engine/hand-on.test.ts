// Routing by capability: a function performs only the effects its role allows and hands the rest on, on the
// wake queue, to the function that may (lib/capabilities.ts); that one performs them for the host's record.
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHandOn } from '../../lib/aws/hand-on';
import {
  type AwsEffectType,
  EFFECT_CAPABILITY,
  FUNCTION_CAPABILITIES,
  HAND_ON_TO,
  holds,
  performs,
} from '../../lib/capabilities';
import type { Effect } from '../../lib/workflow/types';
import { AT, awsError, sent } from '../aws/helpers';

const ID = 'i-0a1b2c3d4e5f60718';
const WAKE_URL = 'https://sqs.us-east-1.amazonaws.com/123456789012/gmsa-ready-test-wake';

describe('the capability map', () => {
  it('gives the function that receives handed-on effects every capability an effect needs', () => {
    for (const capability of new Set(Object.values(EFFECT_CAPABILITY)))
      expect(holds(HAND_ON_TO, capability), capability).toBe(true);
  });

  it('lets the directory function perform only queue effects itself', () => {
    const own = (Object.keys(EFFECT_CAPABILITY) as AwsEffectType[]).filter((type) =>
      performs(FUNCTION_CAPABILITIES.directory, type),
    );
    expect(own.sort()).toEqual(['enqueueGroupChange', 'wake']);
    expect(performs(FUNCTION_CAPABILITIES.directory, 'metric')).toBe(true);
  });
});

describe('createHandOn', () => {
  const sqs = mockClient(SQSClient);
  beforeEach(() => sqs.reset());
  afterEach(() => sqs.reset());
  const effect: Effect = {
    type: 'recordHeartbeat',
    autoScalingGroupName: 'g',
    hookName: 'h',
    token: 't',
    instanceId: ID,
  };

  it('puts the effect and its host on the wake queue, and produces no signal', async () => {
    sqs.on(SendMessageCommand).resolves({ MessageId: 'm-1' });
    const handOn = createHandOn(FUNCTION_CAPABILITIES.directory, new SQSClient({}), WAKE_URL);
    expect(handOn.performs('recordHeartbeat')).toBe(false);
    expect(handOn.performs('wake')).toBe(true);
    expect(await handOn.send(ID, effect, AT)).toBeUndefined();
    expect(sent(sqs)).toEqual([
      [SendMessageCommand, { QueueUrl: WAKE_URL, MessageBody: JSON.stringify({ instanceId: ID, effect }) }],
    ]);
  });

  it('answers an SQS failure as a failed signal for the effect, as the effector would', async () => {
    sqs.on(SendMessageCommand).rejects(awsError('ThrottlingException', 'Rate exceeded'));
    const handOn = createHandOn(FUNCTION_CAPABILITIES.directory, new SQSClient({}), WAKE_URL);
    expect(await handOn.send(ID, effect, AT)).toEqual({
      type: 'failed',
      at: AT,
      effect: 'recordHeartbeat',
      kind: 'retryable',
      message: 'ThrottlingException: Rate exceeded',
    });
  });
});
