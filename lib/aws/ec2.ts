// EC2 instance states for the reconciler (the only importer: the EC2 client is large).
import { DescribeInstancesCommand, type EC2Client } from '@aws-sdk/client-ec2';

/** Filter values per DescribeInstances call, kept well under the service's limits. */
const IDS_PER_CALL = 200;

/** The state name of each instance (pending, running, stopping, stopped, shutting-down, terminated), or 'gone'. */
export async function instanceStates(ec2: EC2Client, instanceIds: readonly string[]): Promise<Map<string, string>> {
  const states = new Map<string, string>(instanceIds.map((id) => [id, 'gone']));
  for (let i = 0; i < instanceIds.length; i += IDS_PER_CALL) {
    // A filter, not InstanceIds: InstanceIds fails the whole call when one id no longer exists.
    const Filters = [{ Name: 'instance-id', Values: instanceIds.slice(i, i + IDS_PER_CALL) }];
    let NextToken: string | undefined;
    do {
      const page = await ec2.send(new DescribeInstancesCommand({ Filters, NextToken }));
      for (const instance of (page.Reservations ?? []).flatMap((r) => r.Instances ?? [])) {
        if (instance.InstanceId && instance.State?.Name) states.set(instance.InstanceId, instance.State.Name);
      }
      NextToken = page.NextToken;
    } while (NextToken);
  }
  return states;
}
