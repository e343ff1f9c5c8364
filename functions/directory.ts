// SQS directory queue → batched AD group changes on the fleets' management hosts.
import type { SQSEvent } from 'aws-lambda';
import { handleGroupChanges } from '../lib/directory/process';
import { initAtColdStart, lambda } from '../lib/handler';
import { workflowRuntime } from '../lib/runtime';

initAtColdStart(workflowRuntime);

export const handler = lambda(async (event: SQSEvent) => {
  const runtime = workflowRuntime();
  return handleGroupChanges({ ...runtime, groupChangeDocument: runtime.env.groupChangeDocument }, event);
});
