// Amazon ECS: container instances that register on their own, gMSA capabilities computed at agent
// start, custom attributes, draining. No tasks run in the sandbox, so drains finish at once.
// Sources: aws-facts 6.2 (attributes and their limits), 6.3 (ListContainerInstances), 6.4 (draining),
// 6.5 (gMSA capabilities); ECS registers the instance ACTIVE before gmsa-ready is done (aws-facts 11.8).
import {
  ClusterNotFoundException,
  type DeleteAttributesCommandInput,
  type DescribeContainerInstancesCommandInput,
  ECSServiceException,
  InvalidParameterException,
  type ListContainerInstancesCommandInput,
  type PutAttributesCommandInput,
  TargetNotFoundException,
  type UpdateContainerInstancesStateCommandInput,
} from '@aws-sdk/client-ecs';
import { awsError } from '../aws-errors';
import type { EcsContext } from './context';
import type { SimContainer, SimInstance } from './types';

/** Name-only capability attributes the agent advertises (aws-facts 6.5). */
const GMSA = 'ecs.capability.gmsa';
const GMSA_DOMAINLESS = 'ecs.capability.gmsa-domainless';
/** At most 10 custom attributes per resource (aws-facts 6.2). */
const MAX_CUSTOM_ATTRIBUTES = 10;
/**
 * At most 10 attributes per PutAttributes or DeleteAttributes call and 10 container instances per
 * UpdateContainerInstancesState call (aws-facts 6.2, 6.4). No source names the error over the limit; the model
 * answers InvalidParameterException, ECS's error for a request it will not take.
 */
const MAX_PER_CALL = 10;

function perCall(what: string, count: number): void {
  if (count > MAX_PER_CALL)
    throw awsError(
      InvalidParameterException,
      'InvalidParameterException',
      `${what}: at most ${MAX_PER_CALL} per call, got ${count}.`,
    );
}

export class Ecs {
  private readonly containers = new Map<string, SimContainer>();
  private readonly clusters: Set<string>;

  constructor(private readonly ctx: EcsContext) {
    this.clusters = new Set(ctx.clusters);
  }

  /**
   * The ECS agent registers the host in its fleet's cluster, with the built-in ecs.os-type / ecs.os-family
   * attributes (aws-facts 6.2); ecs.capability.task-eni stands for the other capabilities, which gmsa-ready
   * ignores. The ARN is arn:aws:ecs:REGION:ACCOUNT:container-instance/CLUSTER/ID (ECS's long ARN format).
   */
  register(instance: SimInstance): void {
    if (instance.state !== 'running' || !instance.fleet) return;
    const { cluster } = instance.fleet;
    const container: SimContainer = {
      arn: `arn:aws:ecs:${this.ctx.place.region}:${this.ctx.place.account}:container-instance/${cluster}/${this.ctx.random.hex(32)}`,
      cluster,
      instanceId: instance.instanceId,
      status: 'ACTIVE',
      agentConnected: true,
      attributes: new Map<string, string | undefined>([
        ['ecs.os-type', instance.platform],
        ['ecs.os-family', instance.platform === 'windows' ? 'WINDOWS_SERVER_2022_CORE' : 'LINUX'],
        ['ecs.capability.task-eni', undefined],
      ]),
      registeredAt: this.ctx.clock.now(),
    };
    instance.container = container;
    instance.ecsAgentSawJoin = instance.joined;
    // Callers may name a container instance by ARN or by its id (the ARN's last part).
    this.containers.set(container.arn, container);
    this.containers.set(container.arn.split('/').at(-1) as string, container);
    this.refreshCapabilities(instance, container);
    this.ctx.observe(instance.instanceId, 'ecs', `container instance registered in ${cluster}`);
  }

  /**
   * What the agent advertises from what it saw at start (aws-facts 6.5). Domainless hosts always get
   * gmsa-domainless: the model does not check the CCG plugin or Windows version that the agent requires.
   */
  refreshCapabilities(instance: SimInstance, container: SimContainer): void {
    const domainless = instance.fleet?.mode === 'domainless';
    if (domainless) container.attributes.set(GMSA_DOMAINLESS, undefined);
    if (instance.ecsAgentSawJoin) container.attributes.set(GMSA, undefined);
    else container.attributes.delete(GMSA);
  }

  /** The ec2InstanceId filter gmsa-ready uses; without a status, every status but INACTIVE (aws-facts 6.3). */
  /**
   * The two filters gmsa-ready writes, `ec2InstanceId == 'i-…'` and `ec2InstanceId in ['i-…', …]` (aws-facts 6.3);
   * any other filter is refused rather than answered wrongly. One page: the model never holds 100 matches.
   */
  listContainerInstances(input: ListContainerInstancesCommandInput) {
    this.cluster(input.cluster);
    const filter = input.filter ?? '';
    const one = /^ec2InstanceId == '(i-[0-9a-f]+)'$/.exec(filter)?.[1];
    const many = /^ec2InstanceId in \[('i-[0-9a-f]+'(?:, 'i-[0-9a-f]+')*)\]$/.exec(filter)?.[1];
    if (!one && !many)
      throw awsError(
        InvalidParameterException,
        'InvalidParameterException',
        `The sandbox does not model the filter ${filter}.`,
      );
    const ids = one ? [one] : (many as string).split(', ').map((quoted) => quoted.slice(1, -1));
    const arns = ids.flatMap((instanceId) => {
      const container = this.ctx.instance(instanceId)?.container;
      const visible =
        container &&
        container.cluster === this.clusterName(input.cluster) &&
        (input.status ? container.status === input.status : container.status !== 'INACTIVE');
      return visible ? [container.arn] : [];
    });
    return { containerInstanceArns: arns };
  }

  /** Unknown references come back in failures[] with reason MISSING (the reason AWS gives; botocore `ecs` Failure). */
  describeContainerInstances(input: DescribeContainerInstancesCommandInput) {
    this.cluster(input.cluster);
    const found: SimContainer[] = [];
    const failures: { arn: string; reason: string }[] = [];
    for (const ref of input.containerInstances ?? []) {
      const container = this.resolve(ref);
      if (container) found.push(container);
      else failures.push({ arn: ref, reason: 'MISSING' });
    }
    return {
      containerInstances: found.map((c) => ({
        containerInstanceArn: c.arn,
        ec2InstanceId: c.instanceId,
        status: c.status,
        agentConnected: c.agentConnected,
        runningTasksCount: 0,
        pendingTasksCount: 0,
        registeredAt: new Date(c.registeredAt * 1000),
        attributes: [...c.attributes].map(([name, value]) => (value === undefined ? { name } : { name, value })),
      })),
      failures,
    };
  }

  /**
   * Creates or overwrites; over 10 custom attributes → AttributeLimitExceededException, an unknown or
   * INACTIVE target → TargetNotFoundException (aws-facts 6.2), refusing the whole call before changing anything.
   */
  putAttributes(input: PutAttributesCommandInput) {
    this.cluster(input.cluster);
    const attributes = input.attributes ?? [];
    perCall('attributes', attributes.length);
    const targets = attributes.map((a) => this.target(a.targetId));
    attributes.forEach((attribute, i) => {
      const container = targets[i] as SimContainer;
      const custom = [...container.attributes.keys()].filter((n) => !n.startsWith('ecs.')).length;
      if (!container.attributes.has(attribute.name ?? '') && custom >= MAX_CUSTOM_ATTRIBUTES)
        throw awsError(
          ECSServiceException,
          'AttributeLimitExceededException',
          'You can have at most 10 custom attributes per resource.',
        );
      container.attributes.set(attribute.name ?? '', attribute.value ?? undefined);
      this.journalAttribute(container, attribute.name ?? '', 'put');
      this.ctx.observe(container.instanceId, 'ready', `attribute ${attribute.name} set`);
    });
    return { attributes };
  }

  /** As putAttributes: a gone target refuses the whole call (no source says; the stricter answer). */
  deleteAttributes(input: DeleteAttributesCommandInput) {
    this.cluster(input.cluster);
    const attributes = input.attributes ?? [];
    perCall('attributes', attributes.length);
    const targets = attributes.map((a) => this.target(a.targetId));
    for (const [i, attribute] of attributes.entries()) {
      const container = targets[i] as SimContainer;
      container.attributes.delete(attribute.name ?? '');
      this.journalAttribute(container, attribute.name ?? '', 'delete');
      this.ctx.observe(container.instanceId, 'drain', `attribute ${attribute.name} removed`);
    }
    return { attributes };
  }

  /**
   * ACTIVE or DRAINING, failures[] for the rest (aws-facts 6.4). The model lets any non-INACTIVE instance
   * change state.
   */
  updateContainerInstancesState(input: UpdateContainerInstancesStateCommandInput) {
    this.cluster(input.cluster);
    perCall('containerInstances', input.containerInstances?.length ?? 0);
    const updated: ReturnType<Ecs['describeContainerInstances']>['containerInstances'] = [];
    const failures: { arn: string; reason: string }[] = [];
    for (const ref of input.containerInstances ?? []) {
      const container = this.resolve(ref);
      if (!container || container.status === 'INACTIVE') {
        failures.push({ arn: ref, reason: 'MISSING' });
        continue;
      }
      container.status = input.status === 'DRAINING' ? 'DRAINING' : 'ACTIVE';
      this.ctx.journal.containerStates.push({
        at: this.ctx.clock.now(),
        instanceId: container.instanceId,
        status: container.status,
        attributes: [...container.attributes.keys()].filter((name) => !name.startsWith('ecs.')),
      });
      this.ctx.observe(container.instanceId, 'drain', `container instance ${container.status}`);
      updated.push(
        ...this.describeContainerInstances({ cluster: container.cluster, containerInstances: [container.arn] })
          .containerInstances,
      );
    }
    return { containerInstances: updated, failures };
  }

  /** Is the instance serving with the fleet's ready attribute? (for the report) */
  isReady(instance: SimInstance): boolean {
    const container = instance.container;
    return (
      !!container &&
      container.status === 'ACTIVE' &&
      !!instance.fleet &&
      container.attributes.has(instance.fleet.readyAttribute)
    );
  }

  /** Logs an attribute change with the host as verification would have seen it at that moment. */
  private journalAttribute(container: SimContainer, name: string, change: 'put' | 'delete'): void {
    const { ctx } = this;
    const host = ctx.instance(container.instanceId);
    const group = host?.fleet?.hostGroup;
    ctx.journal.attributes.push({
      at: ctx.clock.now(),
      instanceId: container.instanceId,
      name,
      change,
      host: {
        state: host?.state ?? 'terminated',
        joined: host?.joined ?? false,
        inHostGroup: !!group && !!host?.accountName && ctx.directory.isMember(group, host.accountName),
        containerStatus: container.status,
        agentConnected: container.agentConnected,
        capabilities: [...container.attributes.keys()].filter((n) => n.startsWith('ecs.capability.gmsa')),
      },
    });
  }

  private clusterName(ref: string | undefined): string {
    return (ref ?? 'default').split('/').at(-1) as string;
  }

  /** A cluster the world's fleets do not name → ClusterNotFoundException (aws-facts 6.2). */
  private cluster(ref: string | undefined): void {
    if (!this.clusters.has(this.clusterName(ref)))
      throw awsError(ClusterNotFoundException, 'ClusterNotFoundException', 'Cluster not found.');
  }

  private resolve(ref: string): SimContainer | undefined {
    return this.containers.get(ref);
  }

  private target(targetId: string | undefined): SimContainer {
    const container = targetId ? this.resolve(targetId) : undefined;
    if (!container || container.status === 'INACTIVE')
      throw awsError(TargetNotFoundException, 'TargetNotFoundException', `Could not find ${targetId}.`);
    return container;
  }
}
