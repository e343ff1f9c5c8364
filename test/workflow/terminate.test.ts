import { describe, expect, it } from 'vitest';
import { cleanupBackoff, POLL_SECONDS, STEP_DEADLINE, spreadDelay } from '../../lib/workflow/timing';
import type { Signal } from '../../lib/workflow/types';
import {
  ARN,
  AUTH_CMD,
  agent,
  DEAUTH_CMD,
  done,
  fleetWith,
  Host,
  ID,
  IDENTITY,
  JOIN_CMD,
  joinSent,
  lifecycle,
  readyHost,
  sent,
  status,
  TOKEN,
  TOKEN2,
  tick,
  windows,
} from './harness';

const terminate =
  (extra = {}) =>
  (at: number) =>
    lifecycle('terminate', at, { token: TOKEN2, ...extra });
const drainStatus =
  (runningTasks: number, standaloneTasks = 0, attributes = ['ecs.capability.gmsa'], ciStatus = 'DRAINING') =>
  (at: number): Signal => ({
    type: 'drainStatus',
    at,
    standaloneTasks,
    containerInstance: { arn: ARN, status: ciStatus, agentConnected: true, attributes, runningTasks },
  });
const ok = 'GMSA-READY-RESULT EC2AMAZ-7Q2LK9D$ ok';

/** A READY host that has been told to terminate and has drained: sitting in deauthorize. */
function deauthorizing(fleet = windows): Host {
  return readyHost(fleet)
    .after(600, terminate())
    .now(done('deleteReadyAttribute'))
    .now(done('drain'))
    .after(5, drainStatus(0));
}

describe('terminate: drain', () => {
  it('removes the ready attribute before anything else', () => {
    const h = readyHost().after(600, terminate());
    expect(h.r).toMatchObject({
      status: 'TERMINATING',
      step: 'drain',
      lifecycle: { transition: 'terminate', token: TOKEN2 },
    });
    expect(h.actions()).toEqual([
      { type: 'deleteReadyAttribute', cluster: 'orders', containerInstanceArn: ARN, name: 'gmsa-ready' },
    ]);
    h.now(done('deleteReadyAttribute'));
    expect(h.r.ready).toBe(false);
    expect(h.actions()).toEqual([{ type: 'drain', cluster: 'orders', containerInstanceArn: ARN }]);
    h.now(done('drain'));
    expect(h.r.draining).toBe(true);
    expect(h.actions()).toEqual([
      { type: 'inspectDrain', cluster: 'orders', instanceId: ID, containerInstanceArn: ARN },
    ]);
  });

  it("takes the drain's own answer (DRAINING, nothing running) as drained: no inspection", () => {
    const h = readyHost().after(600, terminate()).now(done('deleteReadyAttribute'));
    h.now(drainStatus(0)); // UpdateContainerInstancesState answered with the idle, DRAINING container instance
    expect(h.r).toMatchObject({ draining: true, step: 'deauthorize' });
    expect(h.r.history.map((entry) => entry.detail)).toContain('container instance DRAINING');
    expect(h.actions().map((e) => e.type)).not.toContain('inspectDrain');
  });

  it('waits while service tasks run, then deauthorizes', () => {
    const h = readyHost()
      .after(600, terminate())
      .now(done('deleteReadyAttribute'))
      .now(done('drain'))
      .after(5, drainStatus(3));
    expect(h.r.step).toBe('drain');
    expect(h.r.reason).toBe('waiting: 3 service task(s) still running');
    expect(h.one('wake').delaySeconds).toBe(15);
    h.after(15, tick);
    expect(h.actions().map((e) => e.type)).toEqual(['inspectDrain']);
    h.now(drainStatus(0));
    expect(h.r.step).toBe('deauthorize');
  });

  it('does not wait for standalone tasks, which ECS never drains, and reports them', () => {
    const h = readyHost()
      .after(600, terminate())
      .now(done('deleteReadyAttribute'))
      .now(done('drain'))
      .after(5, drainStatus(2, 2));
    expect(h.r.step).toBe('deauthorize');
    expect(h.r.standaloneTasks).toBe(2);
    expect(h.of('log').map((l) => l.message)).toContain(
      '2 standalone task(s) still running: ECS does not drain tasks outside services',
    );
  });

  it('moves on when the drain deadline passes', () => {
    const fleet = fleetWith(windows, { drainTimeoutSeconds: 300 });
    const h = readyHost(fleet)
      .after(600, terminate())
      .now(done('deleteReadyAttribute'))
      .now(done('drain'))
      .after(5, drainStatus(4));
    h.after(301, drainStatus(4));
    expect(h.r.step).toBe('deauthorize');
    expect(h.r.history.at(-1)?.detail).toBe('drain deadline passed with 4 service task(s) still running');
  });

  it('finds the container instance of a host it never readied, and clears a ready attribute it finds', () => {
    const h = new Host().send(lifecycle('terminate', 1_800_000_000, { token: TOKEN2 }));
    expect(h.actions()).toEqual([
      { type: 'inspectDrain', cluster: 'orders', instanceId: ID, containerInstanceArn: undefined },
    ]);
    h.after(2, drainStatus(0, 0, ['gmsa-ready'], 'ACTIVE'));
    expect(h.actions()).toEqual([
      { type: 'deleteReadyAttribute', cluster: 'orders', containerInstanceArn: ARN, name: 'gmsa-ready' },
    ]);
  });

  it('carries on when the container instance is already gone', () => {
    const h = readyHost()
      .after(600, terminate())
      .now((at) => ({
        type: 'failed',
        at,
        effect: 'deleteReadyAttribute',
        kind: 'gone',
        message: 'TargetNotFoundException',
      }));
    expect(h.r.ready).toBe(false);
    expect(h.actions().map((e) => e.type)).toEqual(['drain']);
  });
});

describe('terminate: deauthorize and complete', () => {
  it('removes NAME$ and deletes the computer account, then completes CONTINUE', () => {
    const h = deauthorizing();
    expect(h.actions()).toEqual([
      {
        type: 'enqueueGroupChange',
        change: {
          instanceId: ID,
          fleet: 'orders',
          managementInstanceId: 'i-0123456789abcdef0',
          domainName: 'corp.example.com',
          hostGroup: 'OrdersApiHosts',
          computerAccount: 'EC2AMAZ-7Q2LK9D$',
          objectSid: IDENTITY.objectSid,
          action: 'remove',
          deleteComputerAccount: true,
          purpose: 'deauthorize',
        },
      },
    ]);
    h.now(sent('deauthorize', DEAUTH_CMD)).after(8, status(DEAUTH_CMD, 'Success', ok));
    expect(h.r).toMatchObject({ inGroup: false, joined: false, step: 'complete' });
    expect(h.actions()).toEqual([
      {
        type: 'completeLifecycleAction',
        autoScalingGroupName: 'prod-ecs-win-orders',
        hookName: 'gmsa-terminate',
        token: TOKEN2,
        instanceId: ID,
        result: 'CONTINUE',
      },
    ]);
    h.now(done('completeLifecycleAction'));
    expect(h.r).toMatchObject({ status: 'TERMINATED', step: 'done', reason: null });
    expect(h.metrics()).toContainEqual({ name: 'TerminationDone', value: 1, dimensions: { Fleet: 'orders' } });
  });

  it('keeps the computer account when the fleet turns deletion off', () => {
    const fleet = fleetWith(windows, { deleteComputerAccount: false });
    const h = deauthorizing(fleet);
    expect(h.one('enqueueGroupChange').change.deleteComputerAccount).toBe(false);
    h.now(sent('deauthorize', DEAUTH_CMD)).after(8, status(DEAUTH_CMD, 'Success', ok));
    expect(h.r).toMatchObject({ inGroup: false, joined: true });
  });

  it('retries a throttled CompleteLifecycleAction after a delay spread per host, not in step with the others', () => {
    const h = deauthorizing()
      .now(sent('deauthorize', DEAUTH_CMD))
      .after(8, status(DEAUTH_CMD, 'Success', ok))
      .now((at) => ({
        type: 'failed',
        at,
        effect: 'completeLifecycleAction',
        kind: 'retryable',
        message: 'Rate exceeded',
      }));
    expect(h.r.step).toBe('complete');
    expect(h.one('wake').delaySeconds).toBe(spreadDelay(ID, h.at, POLL_SECONDS.retry));
    h.after(h.one('wake').delaySeconds, tick);
    expect(h.one('completeLifecycleAction').token).toBe(TOKEN2);
  });

  it('never holds scale-in hostage: a failed cleanup completes CONTINUE and retries with backoff', () => {
    const h = deauthorizing()
      .now(sent('deauthorize', DEAUTH_CMD))
      .after(8, status(DEAUTH_CMD, 'Failed', 'GMSA-READY-RESULT EC2AMAZ-7Q2LK9D$ error The server is not operational'));
    expect(h.one('completeLifecycleAction').result).toBe('CONTINUE');
    expect(h.metrics()).toContainEqual({ name: 'CleanupFailed', value: 1, dimensions: { Fleet: 'orders' } });
    h.now(done('completeLifecycleAction'));
    const pendingSince = h.at;
    expect(h.r).toMatchObject({
      status: 'CLEANUP_PENDING',
      step: 'deauthorize',
      reason: 'deauthorize: The server is not operational',
      cleanupAttempts: 1,
      cleanupSince: pendingSince,
      inGroup: true,
      lifecycle: { result: 'CONTINUE' },
    });
    expect(h.r.nextCheckAt).toBe(pendingSince + cleanupBackoff(1));

    h.after(30, tick);
    expect(h.actions()).toEqual([]);
    h.after(cleanupBackoff(1), tick);
    expect(h.one('enqueueGroupChange').change).toMatchObject({ action: 'remove', purpose: 'deauthorize' });
    const RETRY = 'aaaaaaaa-0000-0000-0000-00000000000f';
    h.now(sent('deauthorize', RETRY)).after(
      8,
      status(RETRY, 'Failed', 'GMSA-READY-RESULT EC2AMAZ-7Q2LK9D$ error again'),
    );
    expect(h.r).toMatchObject({ status: 'CLEANUP_PENDING', cleanupAttempts: 2, cleanupSince: pendingSince });
    expect(h.r.nextCheckAt).toBe(h.at + cleanupBackoff(2));
    expect(h.of('completeLifecycleAction')).toEqual([]);

    const LAST = 'aaaaaaaa-0000-0000-0000-00000000000e';
    h.after(cleanupBackoff(2), tick)
      .now(sent('deauthorize', LAST))
      .after(8, status(LAST, 'Success', ok));
    expect(h.r).toMatchObject({ status: 'TERMINATED', inGroup: false, joined: false, reason: null });
    expect(h.of('completeLifecycleAction')).toEqual([]);
  });

  it('backs off 2, 4, 8 minutes up to an hour', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 10].map(cleanupBackoff)).toEqual([120, 240, 480, 960, 1920, 3600, 3600, 3600]);
  });

  it('gives up waiting on a deauthorize that never reports, and completes anyway', () => {
    const h = deauthorizing()
      .now(sent('deauthorize', DEAUTH_CMD))
      .after(STEP_DEADLINE.deauthorize + 1, tick);
    expect(h.one('completeLifecycleAction').result).toBe('CONTINUE');
    expect(h.r.reason).toBe('deauthorize: no result in time');
  });

  it('records an expired terminate action and still cleans up', () => {
    const h = deauthorizing()
      .now(sent('deauthorize', DEAUTH_CMD))
      .after(8, status(DEAUTH_CMD, 'Success', ok))
      .now((at) => ({ type: 'actionGone', at, effect: 'completeLifecycleAction' }));
    expect(h.r).toMatchObject({ status: 'TERMINATED', lifecycle: { result: 'EXPIRED' } });
  });
});

describe('terminate: special cases', () => {
  it('cancels a launch still in flight and never completes the stale launch action', () => {
    const h = joinSent()
      .after(240, status(JOIN_CMD, 'Success'))
      .now(agent(true, 'EC2AMAZ-7Q2LK9D.corp.example.com'))
      .resolve()
      .now(sent('authorize', AUTH_CMD))
      .after(20, terminate());
    expect(h.r.cancelledTokens).toEqual([TOKEN]);
    expect(h.r.status).toBe('TERMINATING');
    // The authorize result arriving late changes nothing.
    h.after(3, status(AUTH_CMD, 'Success', ok));
    expect(h.actions()).toEqual([]);
    h.after(2, drainStatus(0, 0, [], 'ACTIVE'))
      .now(done('drain'))
      .now(drainStatus(0));
    expect(h.one('enqueueGroupChange').change).toMatchObject({ action: 'remove', purpose: 'deauthorize' });
    h.now(sent('deauthorize', DEAUTH_CMD))
      .after(8, status(DEAUTH_CMD, 'Success', ok))
      .now(done('completeLifecycleAction'));
    expect(h.r.status).toBe('TERMINATED');
    // A late duplicate of the cancelled launch event is ignored.
    h.after(5, (at) => lifecycle('launch', at));
    expect(h.changed).toBe(false);
  });

  it('returns a host to the warm pool: drain and clear the attribute, keep membership and account', () => {
    const h = readyHost()
      .after(600, terminate({ origin: 'AutoScalingGroup', destination: 'WarmPool' }))
      .now(done('deleteReadyAttribute'))
      .now(done('drain'))
      .after(5, drainStatus(0));
    expect(h.of('enqueueGroupChange')).toEqual([]);
    expect(h.one('completeLifecycleAction').result).toBe('CONTINUE');
    h.now(done('completeLifecycleAction'));
    expect(h.r).toMatchObject({ status: 'WARMED', inGroup: true, joined: true, ready: false });
  });

  it('leaves the directory alone for a host it never joined', () => {
    const h = new Host()
      .send(lifecycle('terminate', 1_800_000_000, { token: TOKEN2 }))
      .after(2, (at) => ({ type: 'drainStatus', at, standaloneTasks: 0 }));
    expect(h.of('enqueueGroupChange')).toEqual([]);
    expect(h.one('completeLifecycleAction').result).toBe('CONTINUE');
    h.now(done('completeLifecycleAction'));
    expect(h.r.status).toBe('TERMINATED');
  });

  it('cleans up after a host that vanished without a terminate event', () => {
    const h = readyHost().after(7200, (at) => ({ type: 'instanceGone', at, state: 'terminated' }));
    expect(h.r).toMatchObject({ status: 'TERMINATING', step: 'deauthorize' });
    expect(h.one('enqueueGroupChange').change).toMatchObject({ action: 'remove', deleteComputerAccount: true });
    h.now(sent('deauthorize', DEAUTH_CMD)).after(8, status(DEAUTH_CMD, 'Success', ok));
    expect(h.r.status).toBe('TERMINATED');
    expect(h.of('completeLifecycleAction')).toEqual([]);
  });

  it('ignores a terminate event for a host already terminated, and a second vanish report', () => {
    const h = deauthorizing()
      .now(sent('deauthorize', DEAUTH_CMD))
      .after(8, status(DEAUTH_CMD, 'Success', ok))
      .now(done('completeLifecycleAction'));
    h.after(10, (at) => lifecycle('terminate', at, { token: '99999999-0000-0000-0000-000000000000' }));
    expect(h.actions()).toEqual([]);
    h.after(10, (at) => ({ type: 'instanceGone', at, state: 'gone' }));
    expect(h.changed).toBe(false);
  });

  it('never completes a terminate action with ABANDON, on any path', () => {
    const paths: Host[] = [
      deauthorizing()
        .now(sent('deauthorize', DEAUTH_CMD))
        .after(8, status(DEAUTH_CMD, 'Success', ok)),
      deauthorizing().now(sent('deauthorize', DEAUTH_CMD)).after(8, status(DEAUTH_CMD, 'Failed')),
      deauthorizing().after(STEP_DEADLINE.deauthorize + 1, tick),
    ];
    for (const h of paths) expect(h.one('completeLifecycleAction').result).toBe('CONTINUE');
  });
});
