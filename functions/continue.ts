// SQS wake queue → a tick for each host whose step asked to look again later.
import type { SQSEvent } from 'aws-lambda';
import { handleWakeMessages } from '../lib/engine/wake';
import { initAtColdStart, lambda } from '../lib/handler';
import { workflowRuntime } from '../lib/runtime';

const runtime = () => workflowRuntime('continue');

initAtColdStart(runtime);

export const handler = lambda(async (event: SQSEvent) => handleWakeMessages(runtime(), event));
