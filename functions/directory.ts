// SQS directory queue → batched AD group changes and member listings on the fleets' management hosts.
import type { SQSEvent } from 'aws-lambda';
import { handleGroupChanges } from '../lib/directory/process';
import { initAtColdStart, lambda } from '../lib/handler';
import { directoryRuntime } from '../lib/runtime';

initAtColdStart(directoryRuntime);

export const handler = lambda(async (event: SQSEvent) => {
  const runtime = directoryRuntime();
  const { groupChangeDocument, listMembersDocument } = runtime.env;
  return handleGroupChanges({ ...runtime, groupChangeDocument, listMembersDocument }, event);
});
