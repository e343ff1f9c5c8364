// Schedule → the reconciler: lost events (and the sweep of the groups), heartbeats, deadlines, vanished hosts, gauges.
import { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { EC2Client } from '@aws-sdk/client-ec2';
import { describeGroupInstances } from '../lib/aws/autoscaling';
import { clientConfig } from '../lib/aws/client-config';
import { instanceStates } from '../lib/aws/ec2';
import { requestMemberListing } from '../lib/aws/sqs';
import { reconcile } from '../lib/engine/reconcile';
import { startScavenge } from '../lib/engine/scavenge';
import { initAtColdStart, lambda } from '../lib/handler';
import { workflowRuntime } from '../lib/runtime';

const runtime = () => workflowRuntime('reconciler');

initAtColdStart(runtime);

// Only this function looks at EC2, so only its bundle carries the EC2 client.
let ec2: EC2Client | undefined;
// The sweep's own client (the effector keeps its own for completing actions).
let autoScaling: AutoScalingClient | undefined;

export const handler = lambda(async () => {
  ec2 ??= new EC2Client(clientConfig);
  const client = ec2;
  autoScaling ??= new AutoScalingClient(clientConfig);
  const groups = autoScaling;
  const deps = runtime();
  const summary = await reconcile(deps, {
    instanceStates: (ids) => instanceStates(client, ids),
    groupInstances: (nextToken) => describeGroupInstances(groups, nextToken),
  });
  // Listing a host group is the directory function's to send (only its role reaches the management hosts).
  const scavenging = await startScavenge(deps, (fleet) =>
    requestMemberListing(deps.sqs, deps.env.directoryQueueUrl, fleet),
  );
  return { ...summary, scavenging };
});
