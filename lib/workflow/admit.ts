// Which lifecycle events may reach a host's record at all. Pure: the intake asks before delivering, so a
// refused event writes nothing and completes nothing (issue 11).
import type { HostRecord, Signal } from './types';

type LifecycleSignal = Extract<Signal, { type: 'lifecycle' }>;

/**
 * Why a lifecycle event must not touch this record, or undefined when it may. An instance belongs to one
 * Auto Scaling group; an event naming another group (a hand-made replay, a copy-paste between fleets) would
 * otherwise complete, or cancel, an action of a fleet it does not belong to.
 */
export function refuseLifecycle(
  record: HostRecord | undefined,
  signal: LifecycleSignal,
  instanceId: string,
): string | undefined {
  if (!record || record.autoScalingGroupName === signal.autoScalingGroupName) return undefined;
  return `lifecycle event names Auto Scaling group '${signal.autoScalingGroupName}', but instance ${instanceId} belongs to '${record.autoScalingGroupName}' (fleet ${record.fleet}); nothing was completed`;
}
