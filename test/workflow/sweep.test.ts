// The sweep's table: what an Auto Scaling lifecycle state means for an instance, given its record (issue 11).
import { describe, expect, it } from 'vitest';
import { SETTLE_SECONDS, sweepMove } from '../../lib/workflow/sweep';
import type { Status } from '../../lib/workflow/types';
import { bareRecord, T0 } from '../store/records';

const LATER = T0 + SETTLE_SECONDS + 1;
const settled = (status: Status) => bareRecord({ status, step: 'done', updatedAt: T0 });

describe('an instance with no record', () => {
  it.each([
    ['Pending:Wait', 'launch'],
    ['Warmed:Pending:Wait', 'launchToPool'],
    ['Terminating:Wait', 'terminate'],
    ['Warmed:Terminating:Wait', 'terminate'],
    ['InService', 'adopt'],
  ])('in %s: %s', (state, move) => {
    expect(sweepMove(undefined, state, LATER)).toBe(move);
  });

  it.each([
    'Pending',
    'Pending:Proceed',
    'Terminating:Proceed',
    'Standby',
    'Warmed:Stopped',
    'ReplacingRootVolume:Wait',
  ])('in %s: nothing (not a wait the sweep serves)', (state) => {
    expect(sweepMove(undefined, state, LATER)).toBeUndefined();
  });
});

describe('an instance with a record', () => {
  it.each(['LAUNCHING', 'TERMINATING', 'CLEANUP_PENDING'] as const)(
    'leaves a %s record to its own workflow, whatever the state',
    (status) => {
      for (const state of ['Pending:Wait', 'Warmed:Pending:Wait', 'Terminating:Wait', 'InService'])
        expect(sweepMove(bareRecord({ status }), state, LATER)).toBeUndefined();
    },
  );

  it('launches a warmed host that left its pool without an event, and a new generation', () => {
    expect(sweepMove(settled('WARMED'), 'Pending:Wait', LATER)).toBe('launch');
    expect(sweepMove(settled('TERMINATED'), 'Pending:Wait', LATER)).toBe('launch');
    expect(sweepMove(settled('TERMINATED'), 'Warmed:Pending:Wait', LATER)).toBe('launchToPool');
  });

  it('never relaunches a serving host in Pending:Wait (another hook waits, or the listing lags)', () => {
    expect(sweepMove(settled('READY'), 'Pending:Wait', LATER)).toBeUndefined();
    expect(sweepMove(settled('FAILED'), 'Pending:Wait', LATER)).toBeUndefined();
  });

  it('reads Warmed:Pending:Wait of a serving host as its return to the warm pool', () => {
    expect(sweepMove(settled('READY'), 'Warmed:Pending:Wait', LATER)).toBe('terminateToPool');
    expect(sweepMove(settled('WARMED'), 'Warmed:Pending:Wait', LATER)).toBeUndefined();
  });

  it('terminates any host not already leaving, and adopts only a retired record of a running instance', () => {
    for (const status of ['READY', 'FAILED', 'WARMED'] as const)
      expect(sweepMove(settled(status), 'Terminating:Wait', LATER)).toBe('terminate');
    expect(sweepMove(settled('TERMINATED'), 'Terminating:Wait', LATER)).toBeUndefined();
    expect(sweepMove(settled('READY'), 'InService', LATER)).toBeUndefined();
    expect(sweepMove(settled('TERMINATED'), 'InService', LATER)).toBe('adopt');
  });

  it('gives a just-settled record time: the listing may still show the wait it finished', () => {
    const record = bareRecord({
      status: 'WARMED',
      step: 'done',
      updatedAt: T0,
      lifecycle: {
        transition: 'launch',
        hookName: 'gmsa-ready-launch',
        token: '11111111-2222-3333-4444-555555555555',
        autoScalingGroupName: 'orders-asg',
        startedAt: T0 - 100,
        heartbeatAt: T0 - 100,
        heartbeats: 0,
        result: 'CONTINUE',
        completedAt: T0,
      },
    });
    expect(sweepMove(record, 'Pending:Wait', T0 + SETTLE_SECONDS - 1)).toBeUndefined();
    expect(sweepMove(record, 'Pending:Wait', T0 + SETTLE_SECONDS)).toBe('launch');
  });
});
