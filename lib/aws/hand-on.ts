// The HandOn port over SQS: effects a function's role may not perform go on the wake queue, where the
// function that may (HAND_ON_TO in lib/capabilities.ts) performs them for the host's record.
import type { SQSClient } from '@aws-sdk/client-sqs';
import { type Capability, performs } from '../capabilities';
import type { HandOn } from '../engine/ports';
import { classify, describeError, isAwsError } from './errors';
import { handOnEffect } from './sqs';

export function createHandOn(capabilities: readonly Capability[], sqs: SQSClient, wakeQueueUrl: string): HandOn {
  return {
    performs: (type) => performs(capabilities, type),
    async send(instanceId, effect, at) {
      try {
        await handOnEffect(sqs, wakeQueueUrl, instanceId, effect);
        return undefined;
      } catch (error) {
        if (!isAwsError(error)) throw error;
        return { type: 'failed', at, effect: effect.type, kind: classify(error), message: describeError(error) };
      }
    },
  };
}
