// EC2 instance state (what the reconciler asks when a host went quiet) and tags on instances.
import type { CreateTagsCommandInput, DescribeInstancesCommandInput } from '@aws-sdk/client-ec2';
import type { TagResourcesCommandInput } from '@aws-sdk/client-resource-groups-tagging-api';
import type { Ec2Context } from './context';
import type { Ec2State } from './types';

const STATE_CODES: Record<Ec2State, number> = { pending: 0, running: 16, 'shutting-down': 32, terminated: 48 };

export class Ec2 {
  constructor(private readonly ctx: Ec2Context) {}

  /** Unknown ids are simply absent (filter semantics); terminated ones are reported as terminated. */
  describeInstances(input: DescribeInstancesCommandInput) {
    const ids = [...(input.InstanceIds ?? []), ...(input.Filters?.find((f) => f.Name === 'instance-id')?.Values ?? [])];
    const instances = ids.flatMap((id) => {
      const instance = this.ctx.instance(id);
      if (!instance || instance.state === 'pending') return [];
      return [
        {
          InstanceId: id,
          State: { Name: instance.state, Code: STATE_CODES[instance.state] },
          PrivateDnsName: `${instance.hostname.toLowerCase()}.ec2.internal`,
          Tags: Object.entries(instance.tags).map(([Key, Value]) => ({ Key, Value })),
        },
      ];
    });
    return { Reservations: instances.length ? [{ Instances: instances }] : [] };
  }

  tagResources(input: TagResourcesCommandInput) {
    for (const arn of input.ResourceARNList ?? []) this.tag(arn.split('/').at(-1) ?? '', input.Tags ?? {});
    return { FailedResourcesMap: {} };
  }

  createTags(input: CreateTagsCommandInput) {
    const tags = Object.fromEntries((input.Tags ?? []).map((t) => [t.Key ?? '', t.Value ?? '']));
    for (const id of input.Resources ?? []) this.tag(id, tags);
    return {};
  }

  private tag(instanceId: string, tags: Record<string, string>): void {
    const instance = this.ctx.instance(instanceId);
    if (instance) Object.assign(instance.tags, tags);
  }
}
