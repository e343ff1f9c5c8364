// EC2 instance state (what the reconciler asks when a host went quiet) and tags on instances.
// Sources: the EC2 API reference (InstanceState codes; DescribeInstances) and aws-facts 8.1 (host names).
import type { CreateTagsCommandInput, DescribeInstancesCommandInput } from '@aws-sdk/client-ec2';
import { InvalidParameterException, type TagResourcesCommandInput } from '@aws-sdk/client-resource-groups-tagging-api';
import { awsError } from '../aws-errors';
import type { Ec2Context } from './context';
import type { Ec2State } from './types';

/** InstanceState.Code: 0 pending, 16 running, 32 shutting-down, 48 terminated (EC2 API reference). */
/** 80 stopped (EC2 API reference, InstanceState). */
const STATE_CODES: Record<Ec2State, number> = {
  pending: 0,
  running: 16,
  stopped: 80,
  'shutting-down': 32,
  terminated: 48,
};

const MAX_TAGGED_ARNS = 20;

export class Ec2 {
  constructor(private readonly ctx: Ec2Context) {}

  /**
   * Unknown ids are simply absent, as with the instance-id filter gmsa-ready uses; the model does not raise
   * InvalidInstanceID.NotFound for an unknown id passed in InstanceIds, as EC2 does (see lib/aws/ec2.ts).
   * Terminated ones are reported as terminated (EC2 keeps them visible for a while). A pending instance in
   * the model has not been launched yet, so EC2 would not know it either. PrivateDnsName follows aws-facts 8.1.
   */
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

  /**
   * 1 to 20 ARNs per call, else InvalidParameterException (Resource Groups Tagging API reference,
   * ResourceARNList). A resource it cannot tag is reported in FailedResourcesMap, the call still succeeding;
   * for an instance the account does not know, the model's failure (400, InvalidParameterException) is its
   * own choice: no source gives the code EC2 reports through this API.
   */
  tagResources(input: TagResourcesCommandInput) {
    const arns = input.ResourceARNList ?? [];
    if (arns.length < 1 || arns.length > MAX_TAGGED_ARNS)
      throw awsError(
        InvalidParameterException,
        'InvalidParameterException',
        `ResourceARNList must hold 1 to ${MAX_TAGGED_ARNS} ARNs`,
      );
    const failed: Record<string, { StatusCode: number; ErrorCode: 'InvalidParameterException'; ErrorMessage: string }> =
      {};
    for (const arn of arns) {
      const instanceId = arn.split('/').at(-1) ?? '';
      if (this.tag(instanceId, input.Tags ?? {})) continue;
      failed[arn] = {
        StatusCode: 400,
        ErrorCode: 'InvalidParameterException',
        ErrorMessage: `The instance ID '${instanceId}' does not exist`,
      };
    }
    return { FailedResourcesMap: failed };
  }

  createTags(input: CreateTagsCommandInput) {
    const tags = Object.fromEntries((input.Tags ?? []).map((t) => [t.Key ?? '', t.Value ?? '']));
    for (const id of input.Resources ?? []) this.tag(id, tags);
    return {};
  }

  /** False when the account has no such instance. */
  private tag(instanceId: string, tags: Record<string, string>): boolean {
    const instance = this.ctx.instance(instanceId);
    if (instance) Object.assign(instance.tags, tags);
    return instance !== undefined;
  }
}
