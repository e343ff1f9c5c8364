// Which of a world's `misconfigurations` apply where: the account and its models ask this leaf module, so
// each misbehaviour lives in the model it belongs to (hooks, directory, SSM, documents, storage).
import type { Fleet } from '../../config/schema';
import type { MisconfigurationKind, World } from '../world';

/** Whether `kind` applies to this fleet (a misconfiguration without `fleet` applies to every fleet). */
export function misconfigured(world: Pick<World, 'misconfigurations'>, kind: MisconfigurationKind, fleet?: string) {
  return world.misconfigurations.some((m) => m.kind === kind && (m.fleet === undefined || m.fleet === fleet));
}

/** Credential spec ARNs the world makes unreadable (credspec-unreadable). */
export function unreadableSpecs(world: Pick<World, 'misconfigurations'>): Set<string> {
  return new Set(world.misconfigurations.flatMap((m) => (m.kind === 'credspec-unreadable' && m.arn ? [m.arn] : [])));
}

/**
 * The HeartbeatTimeout a hook was created with under hook-timeout-mismatch: a quarter of the configured one
 * (at least PutLifecycleHook's minimum of 30 s, aws-facts 3.4), so it expires before gmsa-ready's first
 * heartbeat at a third. No source: the short hook is the common mistake the issue names.
 */
export function mismatchedTimeout(fleet: Fleet): number {
  return Math.max(30, Math.floor(fleet.heartbeatTimeoutSeconds / 4));
}
