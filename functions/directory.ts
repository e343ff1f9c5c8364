// SQS directory queue → batched AD group changes and member listings on the fleets' management hosts.
import type { SQSEvent } from 'aws-lambda';
import { requestLaneFlush } from '../lib/aws/sqs';
import { type DirectoryDeps, handleGroupChanges } from '../lib/directory/process';
import { initAtColdStart, lambda } from '../lib/handler';
import { directoryRuntime } from '../lib/runtime';

initAtColdStart(directoryRuntime);

export const handler = lambda(async (event: SQSEvent) => {
  const runtime = directoryRuntime();
  const { groupChangeDocument, listMembersDocument, directoryQueueUrl } = runtime.env;
  const requestFlush: DirectoryDeps['requestFlush'] = (lane, delay) =>
    requestLaneFlush(runtime.sqs, directoryQueueUrl, lane, delay);
  return handleGroupChanges({ ...runtime, groupChangeDocument, listMembersDocument, requestFlush }, event);
});
