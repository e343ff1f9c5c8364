import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { createAwsEffector } from '../../lib/aws/effector';
import type { GroupChange } from '../../lib/workflow/types';
import { AT, awsError, sent } from './helpers';

const sqs = mockClient(SQSClient);
const env = {
  wakeQueueUrl: 'https://sqs.us-east-1.amazonaws.com/123456789012/gmsa-ready-wake',
  directoryQueueUrl: 'https://sqs.us-east-1.amazonaws.com/123456789012/gmsa-ready-directory',
};
const effector = createAwsEffector(['enqueue'], { sqs: new SQSClient({}), env });
const instanceId = 'i-0123456789abcdef0';

beforeEach(() => {
  sqs.reset();
  sqs.on(SendMessageCommand).resolves({ MessageId: 'm-1' });
});

describe('enqueueGroupChange', () => {
  it('sends the change as JSON to the directory queue', async () => {
    const change: GroupChange = {
      instanceId,
      fleet: 'web',
      managementInstanceId: 'i-0fedcba9876543210',
      domainName: 'corp.example.com',
      hostGroup: 'gMSA Hosts',
      computerAccount: 'EC2AMAZ-AB12CD$',
      action: 'add',
      deleteComputerAccount: false,
      purpose: 'authorize',
    };
    expect(await effector.run({ type: 'enqueueGroupChange', change }, AT)).toEqual({
      type: 'done',
      at: AT,
      effect: 'enqueueGroupChange',
    });
    expect(sent(sqs)).toEqual([
      [SendMessageCommand, { QueueUrl: env.directoryQueueUrl, MessageBody: JSON.stringify(change) }],
    ]);
  });
});

describe('wake', () => {
  it.each([
    [120, 120],
    [0, 0],
    [-5, 0],
    [3600, 900],
    [12.2, 13],
    [Number.NaN, 0],
  ])('asks for %s s and sends DelaySeconds %s', async (requested, delay) => {
    expect(await effector.run({ type: 'wake', instanceId, delaySeconds: requested }, AT)).toBeUndefined();
    expect(sent(sqs)).toEqual([
      [
        SendMessageCommand,
        { QueueUrl: env.wakeQueueUrl, MessageBody: JSON.stringify({ instanceId }), DelaySeconds: delay },
      ],
    ]);
  });

  it('reports a failed send, since the continuation would be lost', async () => {
    sqs.on(SendMessageCommand).rejects(awsError('QueueDoesNotExist', 'The specified queue does not exist.'));
    expect(await effector.run({ type: 'wake', instanceId, delaySeconds: 60 }, AT)).toMatchObject({
      type: 'failed',
      effect: 'wake',
      kind: 'invalid',
    });
  });
});
