// EventBridge → Auto Scaling launch/terminate lifecycle actions.
import { intakeLifecycleEvent } from '../lib/engine/intake';
import { initAtColdStart, lambda } from '../lib/handler';
import { workflowRuntime } from '../lib/runtime';

initAtColdStart(workflowRuntime);

export const handler = lambda(async (event: unknown) => intakeLifecycleEvent(workflowRuntime(), event));
