// Amazon ECS: the container instance of a host, the ready attribute, draining.
import {
  type ContainerInstance,
  DeleteAttributesCommand,
  DescribeContainerInstancesCommand,
  DescribeTasksCommand,
  type ECSClient,
  ListContainerInstancesCommand,
  ListTasksCommand,
  PutAttributesCommand,
  UpdateContainerInstancesStateCommand,
} from '@aws-sdk/client-ecs';
import type { ContainerInstanceView } from '../workflow/types';
import { hasName } from './errors';
import type { EffectOf, OutcomeOf } from './outcome';

/** DescribeTasks accepts at most 100 tasks per call. */
const DESCRIBE_TASKS_MAX = 100;

function view(instance: ContainerInstance): ContainerInstanceView {
  return {
    arn: instance.containerInstanceArn ?? '',
    status: instance.status ?? '',
    agentConnected: instance.agentConnected ?? false,
    attributes: (instance.attributes ?? []).flatMap((a) => (a.name ? [a.name] : [])),
    runningTasks: instance.runningTasksCount ?? 0,
  };
}

/** DescribeContainerInstances takes at most 100 container instances per call (its API reference). */
const DESCRIBE_INSTANCES_MAX = 100;

/**
 * EC2 instances one ListContainerInstances asks for, with the cluster query language's `in` list (aws-facts 6.3:
 * `ec2InstanceId in ['i-a', 'i-b']`). The filter's length limit is unpublished; ten ids make about 250
 * characters, far inside the 2,000 AWS allows a placement expression of the same language.
 */
export const INSTANCES_PER_LISTING = 10;

/** The newest registration of each EC2 instance among `arns` (an agent that re-registered leaves older ones). */
async function describeNewest(
  ecs: ECSClient,
  cluster: string,
  arns: string[],
): Promise<Map<string, ContainerInstanceView>> {
  const newest = new Map<string, ContainerInstance>();
  for (let i = 0; i < arns.length; i += DESCRIBE_INSTANCES_MAX) {
    const out = await ecs.send(
      new DescribeContainerInstancesCommand({ cluster, containerInstances: arns.slice(i, i + DESCRIBE_INSTANCES_MAX) }),
    );
    for (const instance of out.containerInstances ?? []) {
      const id = instance.ec2InstanceId ?? '';
      const seen = newest.get(id);
      if (!seen || (instance.registeredAt?.getTime() ?? 0) > (seen.registeredAt?.getTime() ?? 0))
        newest.set(id, instance);
    }
  }
  return new Map([...newest].map(([id, instance]) => [id, view(instance)]));
}

/**
 * The container instances registered for EC2 instances (at most INSTANCES_PER_LISTING), by instance id; an
 * instance with none (INACTIVE ones are not listed) is absent. The ids are the records' own, validated at the
 * edge as `i-` and hex (lib/config/patterns.ts), so nothing else can reach the filter.
 */
export async function findContainerInstances(
  ecs: ECSClient,
  cluster: string,
  instanceIds: string[],
): Promise<Map<string, ContainerInstanceView>> {
  const filter =
    instanceIds.length === 1
      ? `ec2InstanceId == '${instanceIds[0]}'`
      : `ec2InstanceId in [${instanceIds.map((id) => `'${id}'`).join(', ')}]`;
  const arns: string[] = [];
  let nextToken: string | undefined;
  do {
    const page = await ecs.send(new ListContainerInstancesCommand({ cluster, filter, nextToken }));
    arns.push(...(page.containerInstanceArns ?? []));
    nextToken = page.nextToken;
  } while (nextToken);
  return arns.length === 0 ? new Map() : describeNewest(ecs, cluster, arns);
}

/** The container instance registered for an EC2 instance, or undefined when none is (INACTIVE ones are not listed). */
export async function findContainerInstance(
  ecs: ECSClient,
  cluster: string,
  instanceId: string,
): Promise<ContainerInstanceView | undefined> {
  return (await findContainerInstances(ecs, cluster, [instanceId])).get(instanceId);
}

/**
 * PutAttributes, DeleteAttributes and UpdateContainerInstancesState each take at most 10 per call (aws-facts 6.2,
 * 6.4); every attribute and container instance names its own target, so hosts of one cluster can share a call.
 */
export const TARGETS_PER_ECS_CALL = 10;

/** The ready attribute on several container instances of one cluster, in one call. */
export async function putReadyAttributes(
  ecs: ECSClient,
  effects: EffectOf<'putReadyAttribute'>[],
): Promise<OutcomeOf<'done'>[]> {
  const first = effects[0] as EffectOf<'putReadyAttribute'>;
  await ecs.send(
    new PutAttributesCommand({
      cluster: first.cluster,
      attributes: effects.map((effect) => ({
        name: effect.name,
        value: 'true',
        targetType: 'container-instance',
        targetId: effect.containerInstanceArn,
      })),
    }),
  );
  return effects.map((effect) => ({ type: 'done', effect: effect.type }));
}

/**
 * The ready attribute off several container instances of one cluster. A container instance that is gone took
 * its attribute with it; no source says whether one gone target refuses the whole call, so a refused call
 * with more than one target is the caller's to split (lib/aws/joined.ts).
 */
export async function deleteReadyAttributes(
  ecs: ECSClient,
  effects: EffectOf<'deleteReadyAttribute'>[],
): Promise<OutcomeOf<'done'>[]> {
  const first = effects[0] as EffectOf<'deleteReadyAttribute'>;
  try {
    await ecs.send(
      new DeleteAttributesCommand({
        cluster: first.cluster,
        attributes: effects.map((effect) => ({
          name: effect.name,
          targetType: 'container-instance',
          targetId: effect.containerInstanceArn,
        })),
      }),
    );
  } catch (error) {
    if (effects.length > 1 || !hasName(error, 'TargetNotFoundException')) throw error;
  }
  return effects.map((effect) => ({ type: 'done', effect: effect.type }));
}

/** DRAINING for several container instances of one cluster; ECS answers each one (failures[] by arn). */
export async function drainAll(
  ecs: ECSClient,
  effects: EffectOf<'drain'>[],
): Promise<OutcomeOf<'done' | 'failed' | 'drainStatus'>[]> {
  const out = await ecs.send(
    new UpdateContainerInstancesStateCommand({
      cluster: (effects[0] as EffectOf<'drain'>).cluster,
      containerInstances: [...new Set(effects.map((effect) => effect.containerInstanceArn))],
      status: 'DRAINING',
    }),
  );
  // MISSING: deregistered already, nothing left to drain. A failure naming none of the asked arns (ECS's own
  // spelling of one) is every host's: each then reads its container instance's real state (inspectDrain).
  const failures = (out.failures ?? []).filter((f) => f.reason !== 'MISSING');
  const unplaced = failures.find((f) => !effects.some((effect) => effect.containerInstanceArn === f.arn));
  return effects.map((effect) => {
    const arn = effect.containerInstanceArn;
    const failure = failures.find((f) => f.arn === arn) ?? unplaced;
    if (!failure) return drainedAtOnce(out.containerInstances, arn) ?? { type: 'done', effect: effect.type };
    const detail = failure.detail ? ` (${failure.detail})` : '';
    return {
      type: 'failed',
      effect: effect.type,
      kind: 'invalid',
      message: `UpdateContainerInstancesState failed for ${failure.arn}: ${failure.reason}${detail}`,
    };
  });
}

/**
 * UpdateContainerInstancesState answers with the container instances it changed (ECS API reference: the response's
 * containerInstances), task counts included. One already DRAINING with no task running or pending has nothing
 * to drain: that answer is the drain's status, and the DescribeContainerInstances that would ask it is saved.
 */
function drainedAtOnce(instances: ContainerInstance[] | undefined, arn: string): OutcomeOf<'drainStatus'> | undefined {
  const instance = instances?.find((i) => i.containerInstanceArn === arn);
  if (instance?.status !== 'DRAINING' || instance.runningTasksCount !== 0 || instance.pendingTasksCount !== 0)
    return undefined;
  return { type: 'drainStatus', containerInstance: view(instance), standaloneTasks: 0 };
}

async function runningTaskArns(ecs: ECSClient, cluster: string, containerInstance: string): Promise<string[]> {
  const arns: string[] = [];
  let nextToken: string | undefined;
  do {
    const page = await ecs.send(
      new ListTasksCommand({ cluster, containerInstance, desiredStatus: 'RUNNING', nextToken }),
    );
    arns.push(...(page.taskArns ?? []));
    nextToken = page.nextToken;
  } while (nextToken);
  return arns;
}

/** Tasks not started by a service: DRAINING does not stop them. */
async function countStandaloneTasks(ecs: ECSClient, cluster: string, containerInstance: string): Promise<number> {
  const arns = await runningTaskArns(ecs, cluster, containerInstance);
  let standalone = 0;
  for (let i = 0; i < arns.length; i += DESCRIBE_TASKS_MAX) {
    const out = await ecs.send(new DescribeTasksCommand({ cluster, tasks: arns.slice(i, i + DESCRIBE_TASKS_MAX) }));
    standalone += (out.tasks ?? []).filter((task) => !task.group?.startsWith('service:')).length;
  }
  return standalone;
}

export async function inspectDrain(
  ecs: ECSClient,
  effect: EffectOf<'inspectDrain'>,
): Promise<OutcomeOf<'drainStatus'>> {
  const instance = effect.containerInstanceArn
    ? [...(await describeNewest(ecs, effect.cluster, [effect.containerInstanceArn])).values()][0]
    : await findContainerInstance(ecs, effect.cluster, effect.instanceId);
  if (!instance) return { type: 'drainStatus', standaloneTasks: 0 };
  const standaloneTasks = instance.runningTasks > 0 ? await countStandaloneTasks(ecs, effect.cluster, instance.arn) : 0;
  return { type: 'drainStatus', containerInstance: instance, standaloneTasks };
}
