// Schedule → the reconciler: lost events, heartbeats, deadlines, vanished hosts, fleet gauges.
import { EC2Client } from '@aws-sdk/client-ec2';
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

export const handler = lambda(async () => {
  ec2 ??= new EC2Client(clientConfig);
  const client = ec2;
  const deps = runtime();
  const summary = await reconcile(deps, { instanceStates: (ids) => instanceStates(client, ids) });
  // Listing a host group is the directory function's to send (only its role reaches the management hosts).
  const scavenging = await startScavenge(deps, (fleet) =>
    requestMemberListing(deps.sqs, deps.env.directoryQueueUrl, fleet),
  );
  return { ...summary, scavenging };
});
