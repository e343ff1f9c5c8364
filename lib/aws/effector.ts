// The Effector port over AWS: one effect in, one SDK conversation, one signal out.
// Clients come in through deps so each handler constructs (and bundles) only the ones it uses.
import type { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import type { ECSClient } from '@aws-sdk/client-ecs';
import type { ResourceGroupsTaggingAPIClient } from '@aws-sdk/client-resource-groups-tagging-api';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { SSMClient } from '@aws-sdk/client-ssm';
import type { Effector } from '../engine/ports';
import type { CredSpecCheck, Effect, Signal } from '../workflow/types';
import { completeLifecycleAction, recordHeartbeat } from './autoscaling';
import { deleteReadyAttribute, drain, findContainerInstance, inspectDrain, putReadyAttribute } from './ecs';
import { classify, describeError, isAwsError } from './errors';
import type { EffectOf, Outcome } from './outcome';
import { enqueueGroupChange, wake } from './sqs';
import { describeAgent, findCommands, getCommandInvocation, JOIN_DOCUMENT, sendCommand } from './ssm';
import { instanceArn, tagInstance } from './tags';

export interface AwsEnv {
  region?: string;
  accountId?: string;
  wakeQueueUrl?: string;
  directoryQueueUrl?: string;
  refreshWindowsDocument?: string;
  refreshLinuxDocument?: string;
  groupChangeDocument?: string;
}

export interface AwsEffectorDeps {
  ssm?: SSMClient;
  ecs?: ECSClient;
  autoScaling?: AutoScalingClient;
  sqs?: SQSClient;
  tagging?: ResourceGroupsTaggingAPIClient;
  /** Checks the credential specs an inspect effect names (lib/credspec). */
  credSpecs?: (effect: EffectOf<'inspect'>) => Promise<CredSpecCheck[]>;
  env: AwsEnv;
  /** Receives best-effort failures (tags) that produce no signal. */
  warn?: (message: string, fields: Record<string, unknown>) => void;
}

export function createAwsEffector(deps: AwsEffectorDeps): Effector {
  const { env } = deps;

  /** A dependency missing when its effect arrives is a wiring bug, not an AWS failure: throw. */
  function need<T>(value: T | undefined, name: string, effect: Effect): T {
    if (value === undefined || value === '') throw new Error(`AWS effector: ${name} is required for ${effect.type}`);
    return value;
  }

  /** The document a command of this purpose runs: the join, the platform's refresh, or the group change. */
  function documentFor(effect: EffectOf<'sendCommand'> | EffectOf<'findCommand'>): string {
    if (effect.purpose === 'join') return JOIN_DOCUMENT;
    if (effect.purpose === 'refresh')
      return effect.platform === 'windows'
        ? need(env.refreshWindowsDocument, 'env.refreshWindowsDocument', effect)
        : need(env.refreshLinuxDocument, 'env.refreshLinuxDocument', effect);
    return need(env.groupChangeDocument, 'env.groupChangeDocument', effect);
  }

  async function inspect(effect: EffectOf<'inspect'>): Promise<Outcome> {
    const ecs = need(deps.ecs, 'ecs client', effect);
    const credSpecs = need(deps.credSpecs, 'credSpecs', effect);
    const [containerInstance, credentialSpecs] = await Promise.all([
      findContainerInstance(ecs, effect.cluster, effect.instanceId),
      credSpecs(effect),
    ]);
    return { type: 'inspected', containerInstance, credentialSpecs };
  }

  /** Tags are best effort: failures go to `warn`, never into the workflow. */
  async function tag(effect: EffectOf<'tag'>): Promise<undefined> {
    const tagging = need(deps.tagging, 'tagging client', effect);
    const arn = instanceArn(
      need(env.region, 'env.region', effect),
      need(env.accountId, 'env.accountId', effect),
      effect.instanceId,
    );
    try {
      const failures = await tagInstance(tagging, arn, effect);
      if (failures.length > 0) deps.warn?.('tagging the instance failed', { instanceId: effect.instanceId, failures });
    } catch (error) {
      if (!isAwsError(error)) throw error;
      deps.warn?.('tagging the instance failed', { instanceId: effect.instanceId, error: describeError(error) });
    }
    return undefined;
  }

  async function perform(effect: Effect): Promise<Outcome | undefined> {
    switch (effect.type) {
      case 'describeAgent':
        return describeAgent(need(deps.ssm, 'ssm client', effect), effect);
      case 'sendCommand':
        return sendCommand(need(deps.ssm, 'ssm client', effect), effect, documentFor(effect));
      case 'getCommandInvocation':
        return getCommandInvocation(need(deps.ssm, 'ssm client', effect), effect);
      case 'findCommand':
        return findCommands(need(deps.ssm, 'ssm client', effect), effect, documentFor(effect));
      case 'enqueueGroupChange':
        return enqueueGroupChange(
          need(deps.sqs, 'sqs client', effect),
          need(env.directoryQueueUrl, 'env.directoryQueueUrl', effect),
          effect,
        );
      case 'wake':
        await wake(need(deps.sqs, 'sqs client', effect), need(env.wakeQueueUrl, 'env.wakeQueueUrl', effect), effect);
        return undefined;
      case 'inspect':
        return inspect(effect);
      case 'putReadyAttribute':
        return putReadyAttribute(need(deps.ecs, 'ecs client', effect), effect);
      case 'deleteReadyAttribute':
        return deleteReadyAttribute(need(deps.ecs, 'ecs client', effect), effect);
      case 'drain':
        return drain(need(deps.ecs, 'ecs client', effect), effect);
      case 'inspectDrain':
        return inspectDrain(need(deps.ecs, 'ecs client', effect), effect);
      case 'completeLifecycleAction':
        return completeLifecycleAction(need(deps.autoScaling, 'autoScaling client', effect), effect);
      case 'recordHeartbeat':
        return recordHeartbeat(need(deps.autoScaling, 'autoScaling client', effect), effect);
      case 'tag':
        return tag(effect);
      case 'metric':
      case 'log':
        throw new Error(`AWS effector: ${effect.type} effects belong to the engine`);
    }
  }

  return {
    async run(effect, at) {
      try {
        const outcome = await perform(effect);
        return outcome && ({ ...outcome, at } as Signal);
      } catch (error) {
        if (!isAwsError(error)) throw error;
        return { type: 'failed', at, effect: effect.type, kind: classify(error), message: describeError(error) };
      }
    },
  };
}
