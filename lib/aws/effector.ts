// The Effector port over AWS: one effect in, one SDK conversation, one signal out. It is typed by
// capability (lib/capabilities.ts): a function's effector performs only the effects its capabilities name,
// and needs exactly their clients, so a missing client is a compile error rather than a runtime surprise.
import type { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import type { ECSClient } from '@aws-sdk/client-ecs';
import type { ResourceGroupsTaggingAPIClient } from '@aws-sdk/client-resource-groups-tagging-api';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { SSMClient } from '@aws-sdk/client-ssm';
import { type AwsEffectType, type Capability, EFFECT_CAPABILITY, type EffectCapability } from '../capabilities';
import type { Effector } from '../engine/ports';
import type { CredSpecCheck, Effect, EffectType, Signal } from '../workflow/types';
import { completeLifecycleAction, recordHeartbeat } from './autoscaling';
import { inspectDrain } from './ecs';
import { isAwsError } from './errors';
import { alone, failure, JOINED, type Joined, joinedCalls } from './joined';
import type { EffectOf, Outcome } from './outcome';
import { enqueueGroupChange, wake } from './sqs';
import { documentFor, findCommands, getCommandInvocation, type HostDocuments } from './ssm';

/** What each effect-performing capability needs; a function's effector needs the intersection for its capabilities. */
export interface CapabilityDeps {
  runCommandStatus: { ssm: SSMClient; env: HostDocuments & { groupChangeDocument: string } };
  hostCommands: { ssm: SSMClient; env: HostDocuments };
  enqueue: { sqs: SQSClient; env: { wakeQueueUrl: string; directoryQueueUrl: string } };
  containers: { ecs: ECSClient };
  /** `credSpecs` checks the credential specs an inspect effect names (lib/credspec). */
  verify: { ecs: ECSClient; credSpecs: (effect: EffectOf<'inspect'>) => Promise<CredSpecCheck[]> };
  lifecycleActions: { autoScaling: AutoScalingClient };
  /** `warn` receives best-effort failures (tags) that produce no signal. */
  tags: {
    tagging: ResourceGroupsTaggingAPIClient;
    env: { region: string; accountId: string };
    warn?: (message: string, fields: Record<string, unknown>) => void;
  };
}

type Intersection<U> = (U extends unknown ? (arg: U) => void : never) extends (arg: infer I) => void ? I : never;

/** The clients and settings a function with capabilities C must supply (nothing for capabilities without effects). */
export type EffectorDeps<C extends Capability> = Intersection<CapabilityDeps[C & EffectCapability]>;

type Perform<T extends AwsEffectType> = (effect: EffectOf<T>) => Promise<Outcome | undefined>;
type PerformersOf<K extends EffectCapability> = {
  [T in AwsEffectType as (typeof EFFECT_CAPABILITY)[T] extends K ? T : never]: Perform<T>;
};

const PERFORMERS: { [K in EffectCapability]: (deps: CapabilityDeps[K]) => PerformersOf<K> } = {
  runCommandStatus: ({ ssm, env }) => ({
    describeAgent: alone(JOINED.runCommandStatus?.({ ssm, env }).describeAgent),
    getCommandInvocation: (effect) => getCommandInvocation(ssm, effect),
    findCommand: (effect) => findCommands(ssm, effect, documentFor(effect, env)),
  }),
  hostCommands: ({ ssm, env }) => ({
    sendCommand: alone(JOINED.hostCommands?.({ ssm, env }).sendCommand),
  }),
  enqueue: ({ sqs, env }) => ({
    enqueueGroupChange: (effect) => enqueueGroupChange(sqs, env.directoryQueueUrl, effect),
    wake: async (effect) => {
      await wake(sqs, env.wakeQueueUrl, effect);
      return undefined;
    },
  }),
  containers: ({ ecs }) => {
    const joined = JOINED.containers?.({ ecs });
    return {
      putReadyAttribute: alone(joined?.putReadyAttribute),
      deleteReadyAttribute: alone(joined?.deleteReadyAttribute),
      drain: alone(joined?.drain),
      inspectDrain: (effect) => inspectDrain(ecs, effect),
    };
  },
  verify: (deps) => ({ inspect: alone(JOINED.verify?.(deps).inspect) }),
  lifecycleActions: ({ autoScaling }) => ({
    completeLifecycleAction: (effect) => completeLifecycleAction(autoScaling, effect),
    recordHeartbeat: (effect) => recordHeartbeat(autoScaling, effect),
  }),
  tags: (deps) => ({ tag: alone(JOINED.tags?.(deps).tag) }),
};

const hasPerformers = (capability: Capability): capability is EffectCapability => capability in PERFORMERS;

/**
 * An effector for a function holding `capabilities`. An effect outside them is a wiring bug here: the engine
 * hands such effects on (HandOn) before they reach the effector.
 */
export function createAwsEffector<C extends Capability>(capabilities: readonly C[], deps: EffectorDeps<C>): Effector {
  const table = new Map<string, (effect: Effect) => Promise<Outcome | undefined>>();
  const joined = new Map<EffectType, Joined<AwsEffectType>>();
  for (const capability of capabilities as readonly Capability[]) {
    if (!hasPerformers(capability)) continue;
    // The maps above pair each capability with its own deps; `deps` holds all of them (EffectorDeps<C>).
    const build = PERFORMERS[capability] as (deps: unknown) => Record<string, (effect: Effect) => Promise<Outcome>>;
    for (const [type, perform] of Object.entries(build(deps))) table.set(type, perform);
    const buildJoined = JOINED[capability] as ((deps: unknown) => Record<string, Joined<AwsEffectType>>) | undefined;
    for (const [type, spec] of Object.entries(buildJoined?.(deps) ?? {})) joined.set(type as EffectType, spec);
  }

  const run: Effector['run'] = async (effect, at) => {
    const perform = table.get(effect.type);
    if (!perform) {
      const needs = EFFECT_CAPABILITY[effect.type as AwsEffectType] ?? 'the engine';
      throw new Error(`AWS effector: ${effect.type} needs ${needs}, which this function does not hold`);
    }
    try {
      const outcome = await perform(effect);
      return outcome && ({ ...outcome, at } as Signal);
    } catch (error) {
      if (!isAwsError(error)) throw error;
      return { ...failure(effect.type as AwsEffectType, error), at } as Signal;
    }
  };

  return {
    run,
    joinable: new Set(joined.keys()),
    async runJoined(effects, at) {
      const signals: (Signal | undefined)[] = new Array(effects.length);
      const single = effects.flatMap((effect, position) => (joined.has(effect.type) ? [] : [position]));
      const together = effects.flatMap((effect, position) => (joined.has(effect.type) ? [position] : []));
      await Promise.all([
        ...single.map(async (position) => {
          signals[position] = await run(effects[position] as Effect, at);
        }),
        ...joinedCalls(
          joined,
          together.map((position) => effects[position] as Effect),
        ).map(async ({ spec, positions }) => {
          const group = positions.map((p) => together[p] as number);
          const members = group.map((position) => effects[position] as EffectOf<AwsEffectType>);
          let outcomes: (Outcome | undefined)[];
          try {
            outcomes = await spec.perform(members);
          } catch (error) {
            if (!isAwsError(error)) throw error;
            outcomes = members.map((effect) => failure(effect.type, error));
          }
          group.forEach((position, i) => {
            const outcome = outcomes[i];
            signals[position] = outcome && ({ ...outcome, at } as Signal);
          });
        }),
      ]);
      return signals;
    },
  };
}
