// Turning events into signals for the engine: validate at the edge, match a fleet, deliver.
// Events that can never be acted on are rejected (logged and counted), not retried.

import { describeError, isAwsError } from '../aws/errors';
import { fleetForGroup } from '../config/load';
import { releaseLane } from '../directory/lane-store';
import {
  type CommandStatusEvent,
  commandStatusEventSchema,
  type LifecycleEvent,
  lifecycleEventSchema,
} from '../events/schemas';
import { validateEvent } from '../events/validate';
import { refuseLifecycle } from '../workflow/admit';
import { resultNeeded } from '../workflow/commands';
import type { CommandStatus, GroupChange, Signal } from '../workflow/types';
import { deliver, type EngineDeps } from './engine';
import { type CommandRef, isHostCommand } from './ports';
import { followListing, type PageRequest } from './scavenge';

export interface IntakeResult {
  accepted: boolean;
  /** Why the event was rejected, or why an accepted one needed nothing. */
  reason?: string;
  instanceId?: string;
  status?: string;
  step?: string;
}

function reject(
  deps: EngineDeps,
  source: 'lifecycle' | 'command-status',
  reason: string,
  fields: Record<string, unknown> = {},
): IntakeResult {
  deps.telemetry.metric({ name: 'EventRejected', unit: 'Count', value: 1, dimensions: { Source: source } });
  deps.telemetry.log('warn', `event rejected: ${reason}`, fields);
  return { accepted: false, reason };
}

/**
 * The event's own time is a claim: an operator's replay of a hand-made file can date it in the future, and a
 * future time would make every later real event look older than it (issue 11). It is stored clamped to the
 * receipt, never later than the moment the event arrived.
 */
export function lifecycleSignal(event: LifecycleEvent, at: number): Extract<Signal, { type: 'lifecycle' }> {
  const { detail } = event;
  return {
    type: 'lifecycle',
    at,
    eventAt: Math.min(Date.parse(event.time) / 1000, at),
    transition: detail.LifecycleTransition === 'autoscaling:EC2_INSTANCE_LAUNCHING' ? 'launch' : 'terminate',
    token: detail.LifecycleActionToken,
    hookName: detail.LifecycleHookName,
    autoScalingGroupName: detail.AutoScalingGroupName,
    origin: detail.Origin,
    destination: detail.Destination,
    action: detail.Action,
    replay: event['replay-name'] !== undefined,
  };
}

export async function intakeLifecycleEvent(deps: EngineDeps, event: unknown): Promise<IntakeResult> {
  const parsed = validateEvent(lifecycleEventSchema, event);
  if (!parsed.ok) return reject(deps, 'lifecycle', parsed.error);
  const { detail } = parsed.value;
  const fleet = fleetForGroup(deps.config, detail.AutoScalingGroupName);
  if (!fleet)
    return reject(deps, 'lifecycle', `no fleet is configured for Auto Scaling group '${detail.AutoScalingGroupName}'`, {
      instanceId: detail.EC2InstanceId,
    });
  const signal = lifecycleSignal(parsed.value, deps.now());
  const refusal = refuseLifecycle(await deps.store.get(detail.EC2InstanceId), signal, detail.EC2InstanceId);
  if (refusal) return reject(deps, 'lifecycle', refusal, { instanceId: detail.EC2InstanceId });
  const record = await deliver(deps, detail.EC2InstanceId, signal, fleet);
  return { accepted: true, instanceId: detail.EC2InstanceId, status: record?.status, step: record?.step };
}

/**
 * A command invocation changed status. The event carries no output, so the invocation's result is read
 * (GetCommandInvocation) and handed to the records it serves: the event's host for a join or refresh (one
 * command may serve up to 50 hosts, each with its own invocation and event), every host of a group change's batch.
 */
/** How the command-status function asks the directory function for a listing's next page (its queue). */
export type RequestPage = (request: PageRequest) => Promise<void>;
/** How it asks the directory function to send the group changes waiting on a lane it freed (its queue). */
export type RequestFlush = (lane: { managementInstanceId: string; purpose: GroupChange['purpose'] }) => Promise<void>;

/** A command in one of these has not ended: its lane stays held (lib/directory/lane.ts). */
const UNFINISHED: readonly CommandStatus[] = ['Pending', 'InProgress', 'Delayed', 'Cancelling', 'NotFound'];

export async function intakeCommandStatusEvent(
  deps: EngineDeps,
  event: unknown,
  requestPage?: RequestPage,
  requestFlush?: RequestFlush,
): Promise<IntakeResult> {
  const parsed = validateEvent(commandStatusEventSchema, event);
  if (!parsed.ok) return reject(deps, 'command-status', parsed.error);
  return followCommand(deps, parsed.value, requestPage, requestFlush);
}

/**
 * Which invocation an event's result is read from, and whose records it goes to. A join or refresh runs on
 * each of its hosts, and SSM sends one status event per instance (aws-facts 2): the event's instance is read
 * and told, and an instance the ref does not name is not ours. A group change or listing runs on the
 * management host alone: its one result goes to every host of the batch.
 */
function invocationOf(
  command: CommandRef,
  eventInstanceId: string,
): { instanceId: string; deliverTo: readonly string[] } | undefined {
  if (!isHostCommand(command)) return { instanceId: command.targetInstanceId, deliverTo: command.instanceIds };
  if (!command.instanceIds.includes(eventInstanceId)) return undefined;
  return { instanceId: eventInstanceId, deliverTo: [eventInstanceId] };
}

async function followCommand(
  deps: EngineDeps,
  event: CommandStatusEvent,
  requestPage: RequestPage = async () => {
    throw new Error('no directory queue to ask for the next ListMembers page');
  },
  requestFlush: RequestFlush = async () => {
    throw new Error('no directory queue to ask for a lane flush');
  },
): Promise<IntakeResult> {
  const commandId = event.detail['command-id'];
  const command = await deps.store.getCommand(commandId);
  if (!command) return { accepted: true, reason: `command ${commandId} was not sent by gmsa-ready; ignored` };
  const reading = invocationOf(command, event.detail['instance-id']);
  if (!reading)
    return {
      accepted: true,
      reason: `command ${commandId} was not sent to ${event.detail['instance-id']} by gmsa-ready; ignored`,
    };
  const result = await readStatus(deps, event, command, reading.instanceId);
  if (!result) throw new Error(`no result reading command ${commandId}`);
  if (result.type === 'failed' && result.kind === 'retryable') return unread(deps, command, reading.deliverTo, result);
  if (result.type !== 'commandStatus') {
    deps.telemetry.log('warn', 'command result unreadable; the reconciler will ask again', { commandId, result });
    return { accepted: true, reason: 'result unreadable' };
  }
  if (command.purpose === 'list-members') {
    const reason = await followListing(deps, command, result.status, result.output, requestPage);
    return { accepted: true, status: result.status, reason };
  }
  // Group commit: the send that ended frees its lane, and what waited on it goes out together now. Freed first,
  // so the flush does not wait for every record below; a retried event frees nothing twice, asks again.
  if (
    command.lane &&
    command.purpose !== 'join' &&
    command.purpose !== 'refresh' &&
    !UNFINISHED.includes(result.status)
  )
    if (await releaseLane(deps.store, command.lane.key, command.lane.token, deps.now()))
      await requestFlush({ managementInstanceId: command.targetInstanceId, purpose: command.purpose }).catch(
        (error: unknown) => {
          // The hosts' results matter more: the waiting changes still go at the lane's pace (their own flush).
          if (!isAwsError(error)) throw error;
          deps.telemetry.log('warn', 'could not ask for a lane flush; the waiting changes go at the pace', {
            commandId,
            error: describeError(error),
          });
        },
      );
  const signal: Signal = { ...result, purpose: command.purpose };
  for (const instanceId of reading.deliverTo) await deliver(deps, instanceId, { ...signal, at: deps.now() });
  return { accepted: true, status: result.status };
}

/**
 * The invocation's final status, as the host's record needs it. When the core needs no more than the status
 * (resultNeeded, lib/workflow/commands.ts: a join's or refresh's success), the event's status is the answer and
 * GetCommandInvocation is not asked (one call per host and command saved). The event can be
 * trusted for that: the rule matches source aws.ssm, which only AWS emits (PutEvents refuses a customer source
 * beginning with `aws.`: aws-facts, EventBridge), and only that rule may invoke this function; a replayed old
 * event names a command the record no longer waits on, which the core ignores. A group change's or a listing's
 * output is its answer, and a failure's output says why: those are read.
 */
function readStatus(
  deps: EngineDeps,
  event: CommandStatusEvent,
  command: CommandRef,
  instanceId: string,
): Promise<Signal | undefined> {
  const commandId = command.commandId;
  if (!resultNeeded(command.purpose, event.detail.status))
    return Promise.resolve({ type: 'commandStatus', at: deps.now(), commandId, status: 'Success' });
  return deps.effector.run({ type: 'getCommandInvocation', commandId, instanceId }, deps.now());
}

/**
 * The status event came but reading the invocation was throttled (a burst's events arrive together, and
 * GetCommandInvocation allows 20 a second: lib/sandbox/quotas.ts). Failing the invocation would have EventBridge
 * retry it, counted as an error; instead each host the command serves is told, and reads it again itself shortly
 * (lib/workflow/commands.ts). A listing left with a page unread stays unproven and changes nothing; the next
 * scavenge lists again (lib/engine/scavenge.ts). A group change's lane stays held until its lease runs out
 * (LANE_LEASE_SECONDS, lib/directory/lane.ts) and the next arrival or flush takes it.
 */
async function unread(
  deps: EngineDeps,
  command: CommandRef,
  hosts: readonly string[],
  failed: Extract<Signal, { type: 'failed' }>,
): Promise<IntakeResult> {
  deps.telemetry.log('warn', 'command status unread (throttled); its hosts read it again', {
    commandId: command.commandId,
    error: failed.message,
  });
  if (command.purpose !== 'list-members')
    for (const instanceId of hosts) await deliver(deps, instanceId, { ...failed, at: deps.now() });
  return { accepted: true, reason: 'status unread (throttled); read again later' };
}
