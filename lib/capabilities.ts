// What each function may do, as named capabilities: the one map from which the AWS effector (which effects a
// function performs itself, which it hands on), the runtime (which clients it builds) and the IAM roles
// (lib/infra/iam.ts) are all derived. Changing what a function may do means changing this file.
import type { FunctionKey } from './infra/names';
import type { EffectType } from './workflow/types';

export type Capability =
  /** Read and write host records and the command index (DynamoDB). */
  | 'records'
  /** Read host records only (the status page). */
  | 'readRecords'
  /** Read Run Command state: agents, invocations, commands already sent. No resource-level permissions exist. */
  | 'runCommandStatus'
  /** Send the join and refresh documents to fleet hosts (never to a management host). */
  | 'hostCommands'
  /** Send GroupChange and ListMembers to the management hosts (never to a fleet host). */
  | 'managementCommands'
  /** Put work on the stack's queues: wake-ups and handed-on effects (wake), group changes and listings (directory). */
  | 'enqueue'
  /** ECS on the fleets' clusters: the ready attribute, draining, the tasks still running. */
  | 'containers'
  /** Verify: find the container instance and read the fleet's credential specs (and discover them). */
  | 'verify'
  /** Complete and heartbeat the fleets' lifecycle actions. */
  | 'lifecycleActions'
  /** Status tags on fleet hosts. */
  | 'tags'
  /** EC2 instance states (the reconciler's check for hosts that vanished without an event). */
  | 'instanceStates'
  /** The Auto Scaling groups' instances and their lifecycle states (the reconciler's sweep for lost events). */
  | 'groupInstances';

/** Effects the engine performs itself (telemetry, and identity claims in the store it holds), never through AWS. */
export const ENGINE_EFFECTS = ['metric', 'log', 'claimIdentity'] as const;
export type AwsEffectType = Exclude<EffectType, (typeof ENGINE_EFFECTS)[number]>;

/** The capability each AWS effect needs. */
export const EFFECT_CAPABILITY = {
  describeAgent: 'runCommandStatus',
  getCommandInvocation: 'runCommandStatus',
  findCommand: 'runCommandStatus',
  sendCommand: 'hostCommands',
  enqueueGroupChange: 'enqueue',
  wake: 'enqueue',
  inspect: 'verify',
  putReadyAttribute: 'containers',
  deleteReadyAttribute: 'containers',
  drain: 'containers',
  inspectDrain: 'containers',
  completeLifecycleAction: 'lifecycleActions',
  recordHeartbeat: 'lifecycleActions',
  tag: 'tags',
} as const satisfies Record<AwsEffectType, Capability>;

/** The capabilities that perform effects (the others are calls a function makes directly). */
export type EffectCapability = (typeof EFFECT_CAPABILITY)[AwsEffectType];

/** What the functions that drive hosts through the workflow hold: everything but the management hosts. */
const WORKER = [
  'records',
  'runCommandStatus',
  'hostCommands',
  'enqueue',
  'containers',
  'verify',
  'lifecycleActions',
  'tags',
] as const;

/**
 * Each function's capabilities. The directory function alone talks to the management hosts, and it cannot
 * reach a fleet host: the workflow effects its records ask for go on the wake queue to `continue` (HAND_ON_TO).
 * The reconciler asks for member listings through the directory queue instead of sending them.
 */
export const FUNCTION_CAPABILITIES = {
  lifecycle: WORKER,
  commandStatus: WORKER,
  continue: WORKER,
  reconciler: [...WORKER, 'instanceStates', 'groupInstances'],
  directory: ['records', 'managementCommands', 'enqueue'],
  statusPage: ['readRecords'],
} as const satisfies Record<FunctionKey, readonly Capability[]>;

/** The function that performs the effects others may not (it receives them on the wake queue). */
export const HAND_ON_TO = 'continue' satisfies FunctionKey;

export function holds(key: FunctionKey, capability: Capability): boolean {
  return (FUNCTION_CAPABILITIES[key] as readonly Capability[]).includes(capability);
}

/** True when a function with these capabilities performs the effect itself (engine effects: always). */
export function performs(capabilities: readonly Capability[], type: EffectType): boolean {
  if ((ENGINE_EFFECTS as readonly string[]).includes(type)) return true;
  return capabilities.includes(EFFECT_CAPABILITY[type as AwsEffectType]);
}
