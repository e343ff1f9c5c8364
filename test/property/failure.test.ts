// The property test's failure message names the invariant and gives the shrunk world (issue 11).
import { describe, expect, it } from 'vitest';
import { counterexampleMessage, violationMessage } from './failure';
import type { WorldPlan } from './worlds';

const plan: WorldPlan = {
  fleets: [
    {
      platform: 'linux',
      mode: 'domain-joined',
      onLaunchFailure: 'CONTINUE',
      deleteComputerAccount: false,
      heartbeatTimeoutSeconds: 3600,
    },
  ],
  instances: [{ fleet: 0, launchAt: 0, fault: 'refresh-fails', end: { kind: 'terminate', after: 183 } }],
};

describe('a failed property run', () => {
  it('names each broken invariant, its host and why', () => {
    const text = violationMessage([
      { invariant: 4, instanceId: 'i-00000000000000001', message: 'EC2AMAZ-9KDNXN$ removed again' },
    ]);
    expect(text).toBe(
      'invariant 4 (no step runs twice with a visible effect) broken for i-00000000000000001: EC2AMAZ-9KDNXN$ removed again',
    );
  });

  it('prints the shrunk world as a world file and as a plan, with the sandbox seed', () => {
    const [intro, world, pin] = counterexampleMessage(plan, 7).split('\n');
    expect(intro).toContain('--seed 7');
    expect(JSON.parse(world ?? '')).toMatchObject({
      fleets: [{ name: 'fleet0', deleteComputerAccount: false, onLaunchFailure: 'CONTINUE' }],
      instances: [{ instanceId: 'i-00000000000000001', faults: ['refresh-fails'] }],
      scenario: [
        { at: 0, launch: ['i-00000000000000001'] },
        { at: 183, terminate: ['i-00000000000000001'] },
      ],
    });
    expect(pin).toBe(`as a plan for test/chaos/found.test.ts: runWorld(buildWorld(${JSON.stringify(plan)}), 7)`);
  });
});
