// fast-check generators of world plans: fleets of every kind, a few hosts with faults and fates, chaos.
import fc from 'fast-check';
import { FAULTS } from '../../lib/sandbox/world';
import type { ChaosPlan, FleetPlan, InstancePlan, WorldPlan } from './worlds';

const fleet: fc.Arbitrary<FleetPlan> = fc.record({
  platform: fc.constantFrom('windows', 'linux'),
  mode: fc.constantFrom('domain-joined', 'domainless'),
  onLaunchFailure: fc.constantFrom('ABANDON', 'CONTINUE'),
  deleteComputerAccount: fc.boolean(),
  heartbeatTimeoutSeconds: fc.constantFrom(300, 900, 3600),
});

const instance = (fleets: number): fc.Arbitrary<InstancePlan> =>
  fc
    .record(
      {
        fleet: fc.nat({ max: fleets - 1 }),
        // Most hosts are healthy, so the interesting paths (join, authorize, refresh, drain) run often.
        fault: fc.option(fc.constantFrom(...FAULTS), { freq: 3 }),
        launchAt: fc.integer({ min: 0, max: 300 }),
        end: fc.option(
          fc.record({
            kind: fc.constantFrom('terminate', 'kill'),
            // From before the agent is online to long after the host is READY.
            after: fc.integer({ min: 5, max: 2400 }),
          }),
          { freq: 4 },
        ),
      },
      { requiredKeys: ['fleet', 'launchAt'] },
    )
    .map((plan) => ({
      fleet: plan.fleet,
      launchAt: plan.launchAt,
      ...(plan.fault ? { fault: plan.fault } : {}),
      ...(plan.end ? { end: plan.end } : {}),
    }));

const probability = (max: number) => fc.double({ min: 0, max, noNaN: true }).map((p) => Math.round(p * 100) / 100);

export const chaos: fc.Arbitrary<ChaosPlan> = fc.record({
  seed: fc.integer({ min: 1, max: 1_000_000 }),
  duplicateEvents: probability(0.5),
  dropStatusEvents: probability(0.5),
  reorderEvents: fc.boolean(),
  throttle: probability(0.3),
  apiErrors: probability(0.2),
});

export const worldPlan: fc.Arbitrary<WorldPlan> = fc
  .array(fleet, { minLength: 1, maxLength: 2 })
  .chain((fleets) =>
    fc.record({
      fleets: fc.constant(fleets),
      instances: fc.array(instance(fleets.length), { minLength: 1, maxLength: 3 }),
      chaos: fc.option(chaos, { freq: 4, nil: undefined }),
    }),
  )
  .map((plan) => (plan.chaos ? plan : { fleets: plan.fleets, instances: plan.instances }));
