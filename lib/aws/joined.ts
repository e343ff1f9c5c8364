// Effects several hosts can share one AWS call for, where the API takes many at once: DescribeInstanceInformation
// (50 ids), SendCommand (50 ids with the same document and parameters), TagResources (20 ARNs with the same
// tags), SendMessageBatch (10 wakes), ECS PutAttributes, DeleteAttributes and UpdateContainerInstancesState (10
// container instances of one cluster), and verify's ListContainerInstances (10 EC2 instances of one cluster).
// The effector's runJoined uses them; the wake function gathers the effects of a batch's hosts
// (lib/engine/coalesce.ts).
import type { ECSClient } from '@aws-sdk/client-ecs';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { SSMClient } from '@aws-sdk/client-ssm';
import type { AwsEffectType, EFFECT_CAPABILITY, EffectCapability } from '../capabilities';
import type { Effect, EffectType } from '../workflow/types';
import {
  deleteReadyAttributes,
  drainAll,
  findContainerInstances,
  INSTANCES_PER_LISTING,
  putReadyAttributes,
  TARGETS_PER_ECS_CALL,
} from './ecs';
import type { CapabilityDeps } from './effector';
import { classify, describeError, hasName, isAwsError } from './errors';
import type { EffectOf, Outcome } from './outcome';
import { WAKES_PER_BATCH, wakeMany } from './sqs';
import {
  AGENT_IDS_PER_CALL,
  describeAgents,
  documentFor,
  type HostDocuments,
  INSTANCES_PER_COMMAND,
  sendCommand,
} from './ssm';
import { ARNS_PER_TAG_CALL, instanceArn, statusTags, tagResources } from './tags';

/** An AWS error as the failed outcome of an effect: classified in one place (lib/aws/errors.ts). */
export function failure(effect: AwsEffectType, error: unknown): Outcome {
  return { type: 'failed', effect, kind: classify(error), message: describeError(error) };
}

/** Tags are best effort: failures go to `warn`, never into the workflow. Effects with equal tags share a call. */
async function tag(deps: CapabilityDeps['tags'], effects: EffectOf<'tag'>[]): Promise<undefined[]> {
  const instanceIds = effects.map((effect) => effect.instanceId);
  const arns = instanceIds.map((id) => instanceArn(deps.env.region, deps.env.accountId, id));
  try {
    const failures = await tagResources(deps.tagging, arns, statusTags(effects[0] as EffectOf<'tag'>));
    arns.forEach((arn, i) => {
      const failed = failures.get(arn);
      if (failed) deps.warn?.('tagging the instance failed', { instanceId: instanceIds[i], failures: [failed] });
    });
  } catch (error) {
    if (!isAwsError(error)) throw error;
    for (const instanceId of instanceIds)
      deps.warn?.('tagging the instance failed', { instanceId, error: describeError(error) });
  }
  return effects.map(() => undefined);
}

/**
 * One call for all of `effects`. Some APIs refuse the whole call for one bad member (its error named by
 * `aloneOn`); then each effect is asked alone, and one bad member fails only its own host.
 */
async function splitOnRefusal<T extends AwsEffectType>(
  type: T,
  effects: EffectOf<T>[],
  aloneOn: string,
  call: (effects: EffectOf<T>[]) => Promise<Outcome[]>,
): Promise<Outcome[]> {
  try {
    return await call(effects);
  } catch (error) {
    if (effects.length === 1 || !hasName(error, aloneOn)) throw error;
    return Promise.all(
      effects.map(async (effect) => {
        try {
          return (await call([effect]))[0] as Outcome;
        } catch (single) {
          if (!isAwsError(single)) throw single;
          return failure(type, single);
        }
      }),
    );
  }
}

/**
 * Agents of several instances in one call. SSM refuses the whole call for an id it finds invalid
 * (DescribeInstanceInformation API reference: "If you specify a node ID that isn't valid or a node that you
 * don't own, you receive an error"); no source says whether a terminated node's id counts, so on
 * InvalidInstanceId each id is asked alone.
 */
function describeAgentsOf(ssm: SSMClient, effects: EffectOf<'describeAgent'>[]): Promise<Outcome[]> {
  return splitOnRefusal('describeAgent', effects, 'InvalidInstanceId', async (asked) => {
    const reports = await describeAgents(
      ssm,
      asked.map((effect) => effect.instanceId),
    );
    return asked.map((effect) => reports.get(effect.instanceId) as Outcome);
  });
}

/** Effects that would send the identical command: the same document, purpose, parameters and timeout. */
function sameCommand(effect: EffectOf<'sendCommand'>, env: HostDocuments): string {
  const parameters = Object.entries(effect.parameters).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return JSON.stringify([documentFor(effect, env), effect.purpose, parameters, effect.timeoutSeconds]);
}

/**
 * Joins or refreshes of several hosts as one command. SendCommand refuses the whole call with InvalidInstanceId
 * when one node is not in a valid state (agent not registered yet, shutting down: aws-facts 4.1).
 */
function hostCommands(ssm: SSMClient, env: HostDocuments, effects: EffectOf<'sendCommand'>[]): Promise<Outcome[]> {
  const document = documentFor(effects[0] as EffectOf<'sendCommand'>, env);
  return splitOnRefusal('sendCommand', effects, 'InvalidInstanceId', (asked) => sendCommand(ssm, asked, document));
}

/**
 * The ready attribute and draining for several hosts of one cluster. PutAttributes and DeleteAttributes answer
 * for the call, not per target, so a target that is gone (TargetNotFoundException) splits the call.
 * UpdateContainerInstancesState answers each container instance itself.
 */
function containerWrites(ecs: ECSClient): JoinedOf<'containers'> {
  const perCall = TARGETS_PER_ECS_CALL;
  const byAttribute = (effect: { cluster: string; name: string }) => JSON.stringify([effect.cluster, effect.name]);
  return {
    putReadyAttribute: {
      perCall,
      key: byAttribute,
      perform: (effects) =>
        splitOnRefusal('putReadyAttribute', effects, 'TargetNotFoundException', (asked) =>
          putReadyAttributes(ecs, asked),
        ),
    },
    deleteReadyAttribute: {
      perCall,
      key: byAttribute,
      perform: (effects) =>
        splitOnRefusal('deleteReadyAttribute', effects, 'TargetNotFoundException', (asked) =>
          deleteReadyAttributes(ecs, asked),
        ),
    },
    drain: { perCall, key: (effect) => effect.cluster, perform: (effects) => drainAll(ecs, effects) },
  };
}

/**
 * Verify for several hosts of one cluster: their container instances found with one listing, each host's
 * credential specs checked as before (a check is shared for 30 s anyway: lib/credspec/remember.ts).
 */
async function inspectAll(deps: CapabilityDeps['verify'], effects: EffectOf<'inspect'>[]): Promise<Outcome[]> {
  const [found, checks] = await Promise.all([
    findContainerInstances(
      deps.ecs,
      (effects[0] as EffectOf<'inspect'>).cluster,
      effects.map((effect) => effect.instanceId),
    ),
    Promise.all(effects.map((effect) => deps.credSpecs(effect))),
  ]);
  return effects.map((effect, i) => ({
    type: 'inspected',
    containerInstance: found.get(effect.instanceId),
    credentialSpecs: checks[i] ?? [],
  }));
}

/** Wakes are fire-and-forget, but a wake SQS refused is reported, so the host's record knows (as with SendMessage). */
async function wakes(sqs: SQSClient, queueUrl: string, effects: EffectOf<'wake'>[]): Promise<(Outcome | undefined)[]> {
  const refusals = await wakeMany(sqs, queueUrl, effects);
  return refusals.map(
    (refusal) =>
      refusal && {
        type: 'failed',
        effect: 'wake',
        kind: refusal.senderFault ? 'invalid' : 'retryable',
        message: `${refusal.code}: ${refusal.message}`,
      },
  );
}

/** Effects several hosts can share one call for (the wake function gathers them: lib/engine/coalesce.ts). */
export interface Joined<T extends AwsEffectType> {
  /** The most effects one call takes (the API's limit). */
  perCall: number;
  /** Effects with the same key may share a call. */
  key: (effect: EffectOf<T>) => string;
  /** One call for all of `effects` (at most perCall): an outcome per effect, in order. Throws an AWS error for the whole call. */
  perform: (effects: EffectOf<T>[]) => Promise<(Outcome | undefined)[]>;
}

type JoinedOf<K extends EffectCapability> = Partial<{
  [T in AwsEffectType as (typeof EFFECT_CAPABILITY)[T] extends K ? T : never]: Joined<T>;
}>;

export const JOINED: { [K in EffectCapability]?: (deps: CapabilityDeps[K]) => JoinedOf<K> } = {
  runCommandStatus: ({ ssm }) => ({
    describeAgent: { perCall: AGENT_IDS_PER_CALL, key: () => '', perform: (effects) => describeAgentsOf(ssm, effects) },
  }),
  hostCommands: ({ ssm, env }) => ({
    sendCommand: {
      perCall: INSTANCES_PER_COMMAND,
      key: (effect) => sameCommand(effect, env),
      perform: (effects) => hostCommands(ssm, env, effects),
    },
  }),
  enqueue: ({ sqs, env }) => ({
    wake: { perCall: WAKES_PER_BATCH, key: () => '', perform: (effects) => wakes(sqs, env.wakeQueueUrl, effects) },
  }),
  containers: ({ ecs }) => containerWrites(ecs),
  verify: (deps) => ({
    inspect: {
      perCall: INSTANCES_PER_LISTING,
      key: (effect) => effect.cluster,
      perform: (effects) => inspectAll(deps, effects),
    },
  }),
  tags: (deps) => ({
    tag: {
      perCall: ARNS_PER_TAG_CALL,
      key: (effect) => JSON.stringify(statusTags(effect)),
      perform: (effects) => tag(deps, effects),
    },
  }),
};

/** The single-effect performer of a joined effect: a call with one effect in it. */
export const alone =
  <T extends AwsEffectType>(joined: Joined<T> | undefined) =>
  async (effect: EffectOf<T>) =>
    (await (joined as Joined<T>).perform([effect]))[0];

/** Positions of `effects` that may share a call, grouped by type and key, cut to each API's limit. */
export function joinedCalls(
  joined: ReadonlyMap<EffectType, Joined<AwsEffectType>>,
  effects: Effect[],
): { spec: Joined<AwsEffectType>; positions: number[] }[] {
  const groups = new Map<string, { spec: Joined<AwsEffectType>; positions: number[] }>();
  effects.forEach((effect, position) => {
    const spec = joined.get(effect.type) as Joined<AwsEffectType>;
    const key = `${effect.type}\u0000${spec.key(effect as EffectOf<AwsEffectType>)}`;
    const group = groups.get(key) ?? { spec, positions: [] };
    groups.set(key, group);
    group.positions.push(position);
  });
  return [...groups.values()].flatMap(({ spec, positions }) =>
    Array.from({ length: Math.ceil(positions.length / spec.perCall) }, (_, i) => ({
      spec,
      positions: positions.slice(i * spec.perCall, (i + 1) * spec.perCall),
    })),
  );
}
