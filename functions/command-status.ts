// EventBridge → SSM "EC2 Command Invocation Status-change Notification" for gmsa-ready's commands.
import { requestLaneFlush, requestMemberListing } from '../lib/aws/sqs';
import { intakeCommandStatusEvent } from '../lib/engine/intake';
import { initAtColdStart, lambda } from '../lib/handler';
import { workflowRuntime } from '../lib/runtime';

const runtime = () => workflowRuntime('commandStatus');

initAtColdStart(runtime);

export const handler = lambda(async (event: unknown) => {
  const deps = runtime();
  // A ListMembers page's status event asks the directory function for the next page (lib/engine/scavenge.ts),
  // and a group change's for the changes waiting on the lane it freed (lib/directory/lane.ts).
  const queueUrl = deps.env.directoryQueueUrl;
  return intakeCommandStatusEvent(
    deps,
    event,
    ({ fleet, ...next }) => requestMemberListing(deps.sqs, queueUrl, fleet, next),
    (lane) => requestLaneFlush(deps.sqs, queueUrl, lane),
  );
});
