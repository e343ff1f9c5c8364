// EventBridge → SSM "EC2 Command Invocation Status-change Notification" for gmsa-ready's commands.
import { intakeCommandStatusEvent } from '../lib/engine/intake';
import { initAtColdStart, lambda } from '../lib/handler';
import { workflowRuntime } from '../lib/runtime';

const runtime = () => workflowRuntime('commandStatus');

initAtColdStart(runtime);

export const handler = lambda(async (event: unknown) => intakeCommandStatusEvent(runtime(), event));
