// Minimal reproductions of invariant violations the property test found in the real handlers. No chaos:
// each is deterministic (seed 1). They fail until the workflow core is fixed; see docs/resilience.md.
import { describe, expect, it } from 'vitest';
import { buildWorld, type FleetPlan, runWorld } from '../property/worlds';

const windows = (deleteComputerAccount: boolean): FleetPlan => ({
  platform: 'windows',
  mode: 'domain-joined',
  onLaunchFailure: 'ABANDON',
  deleteComputerAccount,
  heartbeatTimeoutSeconds: 3600,
});

describe('terminate', () => {
  it('removes a host from its group once when the fleet keeps computer accounts (invariant 4)', async () => {
    // Found with CHAOS_SEED=2. The remove succeeds, but `joined` stays true, so the completed action goes
    // CLEANUP_PENDING and the remove runs a second time two minutes later.
    const report = await runWorld(
      buildWorld({
        fleets: [windows(false)],
        instances: [{ fleet: 0, launchAt: 0, end: { kind: 'terminate', after: 1200 } }],
      }),
    );
    expect(report.instances[0]).toMatchObject({ status: 'TERMINATED', inHostGroup: false, computerAccount: 'present' });
    expect(report.invariants.violations).toEqual([]);
  }, 30_000);

  it('cleans up the computer account of a join that finished as the terminate arrived (invariants 2, 5)', async () => {
    // The join ends at +302 s, the terminate arrives at +302 s: the record, still in `join`, drains and
    // completes with no computer name, and ignores the join's result that follows; EC2AMAZ-…$ stays in AD.
    const report = await runWorld(
      buildWorld({
        fleets: [windows(true)],
        instances: [{ fleet: 0, launchAt: 0, end: { kind: 'terminate', after: 302 } }],
      }),
    );
    expect(report.instances[0]).toMatchObject({ status: 'TERMINATED', computerAccount: 'absent' });
    expect(report.invariants.violations).toEqual([]);
  }, 30_000);
});
