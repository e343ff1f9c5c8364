// Schedule → the reconciler: lost events, heartbeats, deadlines, vanished hosts, fleet gauges.
import { EC2Client } from '@aws-sdk/client-ec2';
import { clientConfig } from '../lib/aws/client-config';
import { instanceStates } from '../lib/aws/ec2';
import { reconcile } from '../lib/engine/reconcile';
import { startScavenge } from '../lib/engine/scavenge';
import { initAtColdStart, lambda } from '../lib/handler';
import { workflowRuntime } from '../lib/runtime';

initAtColdStart(workflowRuntime);

// Only this function looks at EC2, so only its bundle carries the EC2 client.
let ec2: EC2Client | undefined;

export const handler = lambda(async () => {
  ec2 ??= new EC2Client(clientConfig);
  const client = ec2;
  const runtime = workflowRuntime();
  const summary = await reconcile(runtime, { instanceStates: (ids) => instanceStates(client, ids) });
  const scavenging = await startScavenge(runtime, runtime.ssm, runtime.env.listMembersDocument);
  return { ...summary, scavenging };
});
