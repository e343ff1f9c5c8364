// EventBridge → Auto Scaling launch/terminate lifecycle actions.
import { intakeLifecycleEvent } from '../lib/engine/intake';
import { initAtColdStart, lambda } from '../lib/handler';
import { workflowRuntime } from '../lib/runtime';

const runtime = () => workflowRuntime('lifecycle');

initAtColdStart(runtime);

export const handler = lambda(async (event: unknown) => intakeLifecycleEvent(runtime(), event));
