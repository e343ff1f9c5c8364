// Auto Scaling lifecycle hooks: one token per action, EventBridge delivery of the event, heartbeat
// and global timeouts with DefaultResult ABANDON, and the ValidationError AWS gives for any token
// that is not active (completed, timed out, never issued: an archive replay).
// Sources: aws-facts 1.1 (the event), 3.1 (what each result does), 3.2 (the ValidationError, observed in
// real logs), 3.3 (heartbeats), 3.4 (timeouts and the default result).
import { AutoScalingServiceException } from '@aws-sdk/client-auto-scaling';
import type { LifecycleResult, Transition } from '../../workflow/types';
import { awsError } from '../aws-errors';
import { lifecycleEvent } from '../events';
import type { HooksContext } from './context';
import type { SimInstance, SimLifecycleAction } from './types';

/** The global timeout is min(48 h, 100 × HeartbeatTimeout) (aws-facts 3.4). */
const GLOBAL_TIMEOUT_CAP = 172_800;
/** PutLifecycleHook's default HeartbeatTimeout (aws-facts 3.4). */
export const DEFAULT_HEARTBEAT_TIMEOUT = 3600;

export interface LifecycleCallInput {
  AutoScalingGroupName?: string;
  LifecycleHookName?: string;
  LifecycleActionToken?: string;
  InstanceId?: string;
  LifecycleActionResult?: string;
}

export class Hooks {
  private readonly byToken = new Map<string, SimLifecycleAction>();
  private readonly timers = new Map<string, () => void>();
  /** Lifecycle actions still waiting: the world is not quiet while any is. */
  activeCount = 0;

  constructor(private readonly ctx: HooksContext) {}

  /**
   * Puts the instance in a wait state and sends the lifecycle event to EventBridge, unless the world loses it
   * (fault `launch-event-lost` / `terminate-event-lost`: Auto Scaling sends these events best effort, aws-facts
   * 1.1). The action waits on its hook either way.
   */
  start(
    instance: SimInstance,
    transition: Transition,
    route: Pick<SimLifecycleAction, 'origin' | 'destination'> = {},
  ): SimLifecycleAction | undefined {
    const hook = this.ctx.hook(instance.fleet, transition);
    if (!hook) return this.noHook(instance, transition);
    const action = this.open(instance, transition, this.ctx.random.uuid(), hook.name, hook.heartbeatTimeout);
    Object.assign(action, route);
    if (instance.faults.has(`${transition}-event-lost`)) {
      this.ctx.observe(instance.instanceId, 'lifecycle', `${transition} event lost: never delivered`);
      action.eventLost = true;
      return action;
    }
    const event = lifecycleEvent(this.ctx.events.context(), action, this.ctx.groupUuid(action.autoScalingGroupName));
    this.ctx.events.deliver('lifecycle', `lifecycle event ${instance.instanceId}`, () =>
      this.ctx.lifecycleTarget(event),
    );
    return action;
  }

  /**
   * A group without a hook for the transition (misconfigurations launch-hook-missing, terminate-hook-missing):
   * Auto Scaling waits for nothing and sends no lifecycle event (aws-facts 1.1: the event comes from the hook).
   * A launch goes InService unjoined; a terminate ends the instance at once, which gmsa-ready must notice on its own.
   */
  private noHook(instance: SimInstance, transition: Transition): undefined {
    this.ctx.observe(instance.instanceId, 'lifecycle', `no ${transition} hook: no lifecycle action, no event`);
    if (transition === 'launch') instance.inService = true;
    else {
      this.ctx.killed.add(instance.instanceId);
      this.ctx.shutDown(instance);
    }
    return undefined;
  }

  /**
   * Honours the token of a lifecycle event that comes from outside the model (replay). Archive replays
   * carry long-expired tokens: the caller does not adopt those.
   */
  adopt(instance: SimInstance, transition: Transition, token: string, hookName: string): void {
    const heartbeatTimeout = this.ctx.hook(instance.fleet, transition)?.heartbeatTimeout ?? DEFAULT_HEARTBEAT_TIMEOUT;
    if (!this.byToken.has(token)) this.open(instance, transition, token, hookName, heartbeatTimeout);
  }

  private open(
    instance: SimInstance,
    transition: Transition,
    token: string,
    hookName: string,
    heartbeatTimeout: number,
  ): SimLifecycleAction {
    const now = this.ctx.clock.now();
    const action: SimLifecycleAction = {
      token,
      instanceId: instance.instanceId,
      autoScalingGroupName: instance.autoScalingGroupName ?? '',
      hookName,
      transition,
      startedAt: now,
      heartbeatTimeout,
      deadline: now + heartbeatTimeout,
      globalDeadline: now + Math.min(GLOBAL_TIMEOUT_CAP, 100 * heartbeatTimeout),
      heartbeats: 0,
      rejected: [],
    };
    instance.actions.push(action);
    this.byToken.set(token, action);
    this.activeCount++;
    this.arm(action);
    return action;
  }

  /**
   * DescribeAutoScalingInstances: the groups' instances in pages of at most 50 (its maximum), each in the
   * lifecycle state its hooks put it in (botocore autoscaling AutoScalingInstanceDetails.LifecycleState).
   * Terminated instances have left the listing. NextToken is the offset, opaque to the caller.
   */
  describeInstances(input: { MaxRecords?: number; NextToken?: string; InstanceIds?: string[] }) {
    const listed = [...this.ctx.instances()].filter(
      (i) =>
        i.autoScalingGroupName !== undefined && !i.management && i.launchedAt !== undefined && i.state !== 'terminated',
    );
    const wanted = input.InstanceIds ? listed.filter((i) => input.InstanceIds?.includes(i.instanceId)) : listed;
    const start = Number(input.NextToken ?? 0);
    if (!Number.isInteger(start) || start < 0 || start > wanted.length)
      throw awsError(AutoScalingServiceException, 'InvalidNextToken', 'The token passed is invalid.');
    const size = Math.min(input.MaxRecords ?? 50, 50);
    const page = wanted.slice(start, start + size);
    return {
      AutoScalingInstances: page.map((instance) => ({
        InstanceId: instance.instanceId,
        AutoScalingGroupName: instance.autoScalingGroupName,
        AvailabilityZone: 'us-east-1a',
        LifecycleState: this.lifecycleState(instance),
        HealthStatus: 'HEALTHY',
        ProtectedFromScaleIn: false,
      })),
      NextToken: start + size < wanted.length ? String(start + size) : undefined,
    };
  }

  private lifecycleState(instance: SimInstance): string {
    const action = this.active(instance);
    // A return to the warm pool waits in Warmed:Pending:Wait; a stopped pool instance is Warmed:Stopped (aws-facts 1.3).
    if (action?.destination === 'WarmPool') return 'Warmed:Pending:Wait';
    if (action) return action.transition === 'launch' ? 'Pending:Wait' : 'Terminating:Wait';
    if (instance.state === 'stopped') return 'Warmed:Stopped';
    if (instance.state === 'shutting-down') return 'Terminating:Proceed';
    return instance.inService ? 'InService' : 'Pending';
  }

  active(instance: SimInstance): SimLifecycleAction | undefined {
    const last = instance.actions.at(-1);
    return last && !last.result ? last : undefined;
  }

  /** The instance vanished: its pending action ends with it. */
  dropActive(instance: SimInstance): void {
    const action = this.active(instance);
    if (action) this.finish(action, 'ABANDON', 'InstanceGone');
  }

  /** CONTINUE or ABANDON only (aws-facts 3.1); another result is a ValidationError in the model's own words. */
  complete(input: LifecycleCallInput): Record<string, never> {
    const result = input.LifecycleActionResult;
    const call = {
      at: this.ctx.clock.now(),
      instanceId: input.InstanceId ?? '',
      token: input.LifecycleActionToken ?? '',
      result: String(result),
    };
    let action: SimLifecycleAction;
    try {
      action = this.find(input);
    } catch (error) {
      this.ctx.journal.completions.push({ ...call, accepted: false });
      throw error;
    }
    this.ctx.journal.completions.push({
      ...call,
      instanceId: action.instanceId,
      token: action.token,
      accepted: result === 'CONTINUE' || result === 'ABANDON',
    });
    if (result !== 'CONTINUE' && result !== 'ABANDON')
      throw awsError(AutoScalingServiceException, 'ValidationError', `Invalid LifecycleActionResult: ${result}`);
    this.finish(action, result, 'CompleteLifecycleAction');
    return {};
  }

  /** Restarts the heartbeat timeout, never past the global timeout (aws-facts 3.3, 3.4). */
  heartbeat(input: LifecycleCallInput): Record<string, never> {
    const action = this.find(input);
    action.heartbeats++;
    action.deadline = Math.min(this.ctx.clock.now() + action.heartbeatTimeout, action.globalDeadline);
    this.arm(action);
    this.ctx.observe(action.instanceId, 'heartbeat', `${action.transition} action extended`);
    return {};
  }

  /**
   * The active action a call names, or the ValidationError AWS answers with (aws-facts 3.2). A call may name
   * the token or the instance (aws-facts 3.1); that the token wins when both are given is not sourced.
   */
  private find(input: LifecycleCallInput): SimLifecycleAction {
    const { LifecycleActionToken: token, InstanceId: instanceId } = input;
    const instance = instanceId ? this.ctx.instance(instanceId) : undefined;
    const candidate = token ? this.byToken.get(token) : instance && this.active(instance);
    if (
      candidate &&
      !candidate.result &&
      candidate.autoScalingGroupName === input.AutoScalingGroupName &&
      candidate.hookName === input.LifecycleHookName &&
      (!instanceId || candidate.instanceId === instanceId)
    )
      return candidate;
    const message = token
      ? `No active Lifecycle Action found with token ${token}`
      : `No active Lifecycle Action found with instance ID ${instanceId}`;
    if (candidate) candidate.rejected.push(message);
    else instance?.strayRejections.push(message);
    this.ctx.observe(candidate?.instanceId ?? instanceId, 'lifecycle', `refused: ${message}`);
    throw awsError(AutoScalingServiceException, 'ValidationError', message);
  }

  private finish(action: SimLifecycleAction, result: LifecycleResult, by: SimLifecycleAction['completedBy']): void {
    action.result = result;
    action.completedBy = by;
    action.completedAt = this.ctx.clock.now();
    this.activeCount--;
    this.timers.get(action.token)?.();
    this.timers.delete(action.token);
    const instance = this.ctx.instance(action.instanceId);
    this.ctx.observe(action.instanceId, 'lifecycle', `${action.transition} action ${result} (${by})`);
    if (!instance || by === 'InstanceGone') return;
    if (action.transition === 'launch' && result === 'CONTINUE') instance.inService = true;
    // Back to the warm pool: the instance is stopped, not terminated (aws-facts 1.3; AWS "Warm pool instance
    // lifecycle": scale in returns it to the pool under the reuse policy). The model applies either result so.
    else if (action.destination === 'WarmPool') this.ctx.stopInPool(instance);
    // A launch ABANDON terminates the instance (Auto Scaling replaces it); a terminate of either result ends it
    // (aws-facts 3.1).
    else {
      // No terminate event follows a launch ABANDON: like a kill, gmsa-ready must notice it on its own. No
      // source says whether the terminate hook runs here; the model takes the harder case.
      if (action.transition === 'launch') this.ctx.killed.add(instance.instanceId);
      this.ctx.shutDown(instance);
    }
  }

  /**
   * The hook's timer: (re)armed on start and on every heartbeat, cancelled when the action ends. On timeout
   * the hook's DefaultResult applies, ABANDON unless set (aws-facts 3.4); the model's hooks never set it.
   */
  private arm(action: SimLifecycleAction): void {
    this.timers.get(action.token)?.();
    const cancel = this.ctx.clock.at(action.deadline, `hook timeout ${action.instanceId}`, () => {
      this.timers.delete(action.token);
      this.finish(action, 'ABANDON', 'HeartbeatTimeout');
    });
    this.timers.set(action.token, cancel);
  }
}
