// A fleet's credential-spec check, remembered briefly. Every host of a fleet checks the same specs, so in a
// burst each verify read the same parameter (GetParameter: 40/s, shared by every reader in the account;
// lib/sandbox/quotas.ts) and, with discovery, listed the same services. A check with no error is kept for
// REMEMBER_SECONDS and shared, also by hosts asking while it runs; one with an error finding is dropped once
// it ends, so the next host reads again and sees a fix at once.
import type { CredSpecCheck, Effect } from '../workflow/types';

type InspectEffect = Extract<Effect, { type: 'inspect' }>;
type Checker = (effect: InspectEffect) => Promise<CredSpecCheck[]>;

/**
 * How long a clean check stands. An edit that breaks a spec reaches verify this much later at most; tasks
 * read the spec themselves when they start, so no task runs on the remembered copy.
 */
export const REMEMBER_SECONDS = 30;

/** `check`, sharing one run among the hosts that ask for the same specs within REMEMBER_SECONDS of `now()`. */
export function rememberChecks(check: Checker, now: () => number): Checker {
  const kept = new Map<string, { until: number; checks: Promise<CredSpecCheck[]> }>();
  return (effect) => {
    const at = now();
    for (const [key, entry] of kept) if (entry.until <= at) kept.delete(key);
    // The specs and how to judge them; the host (instanceId) does not change the answer.
    const { instanceId: _host, ...specs } = effect;
    const key = JSON.stringify(specs);
    const hit = kept.get(key);
    if (hit) return hit.checks;
    const checks = check(effect);
    const entry = { until: at + REMEMBER_SECONDS, checks };
    kept.set(key, entry);
    const forget = () => {
      if (kept.get(key) === entry) kept.delete(key);
    };
    checks.then((result) => {
      if (result.some((c) => c.findings.some((f) => f.severity === 'error'))) forget();
    }, forget);
    return checks;
  };
}
