// The sweep's table: what an Auto Scaling lifecycle state means for an instance, given its record (issue 11).
import { describe, expect, it } from 'vitest';
import { SETTLE_SECONDS, sweepMove } from '../../lib/workflow/sweep';
import type { Status } from '../../lib/workflow/types';
import { bareRecord, T0 } from '../store/records';
import {
  AUTH_CMD,
  agent,
  done,
  Host,
  ID,
  inspected,
  JOIN_CMD,
  lifecycle,
  REFRESH_CMD,
  readyHost,
  sent,
  status,
  TOKEN,
} from './harness';

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
  it.each(['TERMINATING', 'CLEANUP_PENDING'] as const)(
    'leaves a %s record to its own workflow, whatever the state',
    (status) => {
      for (const state of ['Pending:Wait', 'Warmed:Pending:Wait', 'Terminating:Wait', 'InService'])
        expect(sweepMove(bareRecord({ status }), state, LATER)).toBeUndefined();
    },
  );

  it('leaves a launch to its workflow until the instance waits on a terminate hook', () => {
    for (const state of ['Pending:Wait', 'Warmed:Pending:Wait', 'InService'])
      expect(sweepMove(bareRecord({ status: 'LAUNCHING' }), state, LATER)).toBeUndefined();
    // The scale-in overtook the launch and its event was lost: without this the terminate hook times out.
    expect(sweepMove(bareRecord({ status: 'LAUNCHING' }), 'Terminating:Wait', LATER)).toBe('terminate');
    expect(sweepMove(bareRecord({ status: 'LAUNCHING' }), 'Warmed:Terminating:Wait', LATER)).toBe('terminate');
  });

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

describe('the core on a groupState signal (decide)', () => {
  const at = T0 + 10_000;
  const groupState = (state: string, when = at) =>
    ({ type: 'groupState', at: when, state, autoScalingGroupName: 'prod-ecs-win-orders' }) as const;

  it('starts the launch of a Pending:Wait instance nobody recorded, to complete it by instance id', () => {
    const h = new Host().send(groupState('Pending:Wait'));
    expect(h.r).toMatchObject({
      status: 'LAUNCHING',
      step: 'agent',
      lifecycle: { transition: 'launch', hookName: 'gmsa-ready-launch', autoScalingGroupName: 'prod-ecs-win-orders' },
    });
    expect(h.r.lifecycle?.token).toBeUndefined();
    expect(h.metrics()).toContainEqual({ name: 'SweepStarted', value: 1, dimensions: { Fleet: 'orders' } });
  });

  it('completes a swept launch by instance id, with no token', () => {
    const h = readySwept();
    expect(h.one('completeLifecycleAction')).toEqual({
      type: 'completeLifecycleAction',
      autoScalingGroupName: 'prod-ecs-win-orders',
      hookName: 'gmsa-ready-launch',
      token: undefined,
      instanceId: ID,
      result: 'CONTINUE',
    });
  });

  it('takes the token of the late event for the action it started, and changes nothing else', () => {
    const h = new Host().send(groupState('Pending:Wait'));
    const step = h.r.step;
    h.after(5, (when) => lifecycle('launch', when, { token: TOKEN }));
    expect(h.r.lifecycle?.token).toBe(TOKEN);
    expect(h.r.step).toBe(step);
    expect(h.actions()).toEqual([]);
    h.after(5, (when) => lifecycle('launch', when, { token: TOKEN }));
    expect(h.changed).toBe(false);
  });

  it('prepares a Warmed:Pending:Wait instance for the warm pool', () => {
    const h = new Host().send(groupState('Warmed:Pending:Wait'));
    expect(h.r.lifecycle).toMatchObject({ transition: 'launch', destination: 'WarmPool' });
  });

  it('starts the terminate of a READY host in Terminating:Wait, with the terminate hook', () => {
    const h = readyHost().after(SETTLE_SECONDS + 1, (when) => groupState('Terminating:Wait', when));
    expect(h.r).toMatchObject({
      status: 'TERMINATING',
      step: 'drain',
      lifecycle: { transition: 'terminate', hookName: 'gmsa-ready-terminate' },
    });
  });

  it('adopts a running host with no record (adopt.test.ts), and creates none for a state it does not serve', () => {
    expect(new Host().send(groupState('InService')).r).toMatchObject({ status: 'ADOPTING', step: 'identify' });
    expect(new Host().send(groupState('Pending:Proceed')).record).toBeUndefined();
  });

  it('leaves a record whose workflow runs alone', () => {
    const h = new Host().send(lifecycle('launch', at));
    h.after(60, (when) => groupState('Pending:Wait', when));
    expect(h.changed).toBe(false);
  });

  /** A launch the sweep started, driven to its completion. */
  function readySwept(): Host {
    return new Host()
      .send(groupState('Pending:Wait'))
      .after(60, agent(true, 'EC2AMAZ-7Q2LK9D.WORKGROUP'))
      .now(sent('join', JOIN_CMD))
      .after(240, status(JOIN_CMD, 'Success'))
      .now(agent(true, 'EC2AMAZ-7Q2LK9D.corp.example.com'))
      .resolve()
      .now(done('enqueueGroupChange'))
      .after(6, sent('authorize', AUTH_CMD))
      .after(8, status(AUTH_CMD, 'Success', 'GMSA-READY-RESULT EC2AMAZ-7Q2LK9D$ ok'))
      .now(sent('refresh', REFRESH_CMD))
      .after(5, status(REFRESH_CMD, 'Success'))
      .now(inspected())
      .now(done('putReadyAttribute'));
  }
});
