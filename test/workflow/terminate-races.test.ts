// Terminate racing the launch or the network: the cases the sandbox invariants found.
import { describe, expect, it } from 'vitest';
import { cleanupBackoff, STEP_DEADLINE } from '../../lib/workflow/timing';
import {
  AUTH_CMD,
  agent,
  booted,
  DEAUTH_CMD,
  done,
  fleetWith,
  Host,
  JOIN_CMD,
  joinSent,
  lifecycle,
  linux,
  REFRESH_CMD,
  readyHost,
  sent,
  status,
  T0,
  TOKEN,
  TOKEN2,
  tick,
  UNDO_CMD,
  windows,
} from './harness';

const ok = 'GMSA-READY-RESULT EC2AMAZ-7Q2LK9D$ ok';
const terminate = (at: number) => lifecycle('terminate', at, { token: TOKEN2 });
const drained = (at: number) => ({ type: 'drainStatus', at, standaloneTasks: 0 }) as const;

describe('terminate while the join is still running', () => {
  function joining(): Host {
    return joinSent().after(100, terminate).now(drained);
  }

  it('waits for the join, learns the name it produced, and leaves the account it never proved its own', () => {
    const h = joining();
    expect(h.r).toMatchObject({ status: 'TERMINATING', step: 'deauthorize', openJoin: { commandId: JOIN_CMD } });
    expect(h.r.cancelledTokens).toEqual([TOKEN]);
    expect(h.of('completeLifecycleAction')).toEqual([]);

    // A Windows join keeps the host's name, seen before the join: no need to ask a host that may be gone.
    expect(h.r.expectedComputerName).toBe('EC2AMAZ-7Q2LK9D');
    h.after(60, status(JOIN_CMD, 'Success'));
    expect(h.r).toMatchObject({ joined: true, computerName: 'EC2AMAZ-7Q2LK9D' });
    // A name is a claim, not evidence (issue 13): without a resolved identity nothing is deleted by name.
    expect(h.of('enqueueGroupChange')).toEqual([]);
    expect(h.r.history.at(-1)?.detail).toContain('EC2AMAZ-7Q2LK9D$ was never proven this host');
    expect(h.one('completeLifecycleAction')).toMatchObject({ token: TOKEN2, result: 'CONTINUE' });
    h.now(done('completeLifecycleAction'));
    expect(h.r).toMatchObject({ status: 'TERMINATED', joined: true });
  });

  it('keeps the join SendCommand answer that lands while draining, and learns what the join made', () => {
    const h = booted() // the join is requested, its SendCommand answer not yet recorded
      .after(1, terminate)
      .now(sent('join', JOIN_CMD)); // arrives during drain
    expect(h.r.step).toBe('drain');
    expect(h.r.openJoin?.commandId).toBe(JOIN_CMD);
    h.now(drained);
    expect(h.r.step).toBe('deauthorize');
    h.after(600, status(JOIN_CMD, 'Success')); // the Windows name was known before the join
    expect(h.r.computerName).toBe('EC2AMAZ-7Q2LK9D');
    expect(h.of('enqueueGroupChange')).toEqual([]); // never proven: left for people, not deleted by name
    expect(h.one('completeLifecycleAction').result).toBe('CONTINUE');
  });

  it('on Linux, whose join renames the host, asks SSM for the name the join produced', () => {
    const h = new Host(linux)
      .send(lifecycle('launch', T0, { autoScalingGroupName: 'prod-ecs-linux-payments' }))
      .after(60, agent(true, 'ip-10-0-1-23.ec2.internal', 'Linux'))
      .now(sent('join', JOIN_CMD))
      .after(30, terminate)
      .now(drained)
      .after(60, status(JOIN_CMD, 'Success'));
    expect(h.r.expectedComputerName).toBeUndefined();
    expect(h.actions()).toEqual([{ type: 'describeAgent', instanceId: h.instanceId }]);
    h.now(agent(true, 'ec2amaz-ab12cd.corp.example.com', 'Linux'));
    expect(h.r.computerName).toBe('EC2AMAZ-AB12CD');
    expect(h.of('enqueueGroupChange')).toEqual([]);
  });

  it('completes without cleanup when the join failed', () => {
    const h = joining().after(60, status(JOIN_CMD, 'Failed'));
    expect(h.of('enqueueGroupChange')).toEqual([]);
    expect(h.one('completeLifecycleAction').result).toBe('CONTINUE');
  });

  it('asks about a join whose status event was lost, and never holds scale-in past the join deadline', () => {
    const h = joining().after(400, tick);
    expect(h.actions()).toEqual([{ type: 'getCommandInvocation', commandId: JOIN_CMD, instanceId: h.instanceId }]);
    h.after(STEP_DEADLINE.join, tick);
    expect(h.one('completeLifecycleAction').result).toBe('CONTINUE');
    expect(h.of('log').map((l) => l.message)).toContain(
      "the cancelled launch's join never reported: a computer account may be left in the directory for this host",
    );
  });
});

describe('deauthorize outcomes', () => {
  function deauthorizing(fleet = windows): Host {
    return readyHost(fleet)
      .after(600, terminate)
      .now(done('deleteReadyAttribute'))
      .now(done('drain'))
      .after(5, drained);
  }

  it('removes membership once and terminates when the fleet keeps computer accounts', () => {
    const h = deauthorizing(fleetWith(windows, { deleteComputerAccount: false }))
      .now(sent('deauthorize', DEAUTH_CMD))
      .after(8, status(DEAUTH_CMD, 'Success', ok))
      .now(done('completeLifecycleAction'));
    expect(h.r).toMatchObject({ status: 'TERMINATED', inGroup: false, joined: true });
    h.after(3600, tick);
    expect(h.of('enqueueGroupChange')).toEqual([]);
  });

  it('asks about a removal whose outcome was never learned before sending another', () => {
    const h = deauthorizing()
      .now(sent('deauthorize', DEAUTH_CMD))
      .after(STEP_DEADLINE.deauthorize + 1, tick);
    expect(h.r.unconfirmed?.commandId).toBe(DEAUTH_CMD);
    h.now(done('completeLifecycleAction'));
    expect(h.r.status).toBe('CLEANUP_PENDING');
    h.after(120, tick);
    expect(h.actions()).toEqual([
      { type: 'getCommandInvocation', commandId: DEAUTH_CMD, instanceId: 'i-0123456789abcdef0' },
    ]);
    h.now(status(DEAUTH_CMD, 'Success', ok));
    expect(h.r.status).toBe('TERMINATED');
    const removals = h.all.filter((e) => e.type === 'enqueueGroupChange' && e.change.action === 'remove');
    expect(removals).toHaveLength(1);
  });

  it('retries a throttled status read within seconds', () => {
    const h = deauthorizing()
      .now(sent('deauthorize', DEAUTH_CMD))
      .after(300, tick)
      .now((at) => ({
        type: 'failed',
        at,
        effect: 'getCommandInvocation',
        kind: 'retryable',
        message: 'ThrottlingException',
      }));
    expect(h.one('wake').delaySeconds).toBe(30);
  });

  it('keeps a failed launch FAILED, with its reason, after cleaning up its vanished instance', () => {
    const h = new Host()
      .send(lifecycle('launch'))
      .after(60, agent(true, 'EC2AMAZ-7Q2LK9D.corp.example.com'))
      .resolve()
      .now(sent('authorize', 'aaaaaaaa-0000-0000-0000-0000000000a1'))
      .after(8, status('aaaaaaaa-0000-0000-0000-0000000000a1', 'Success', ok))
      .now(sent('refresh', 'aaaaaaaa-0000-0000-0000-0000000000a2'))
      .after(8, status('aaaaaaaa-0000-0000-0000-0000000000a2', 'Failed'))
      .now(sent('undo', 'aaaaaaaa-0000-0000-0000-0000000000a3'))
      .after(8, status('aaaaaaaa-0000-0000-0000-0000000000a3', 'Success', ok))
      .now(done('completeLifecycleAction'));
    const reason = 'refresh: unknown: command aaaaaaaa-0000-0000-0000-0000000000a2 ended Failed';
    expect(h.r).toMatchObject({ status: 'FAILED', reason, joined: true });
    h.after(600, (at) => ({ type: 'instanceGone', at, state: 'terminated' }));
    // The undo already removed the membership: only the account is left to delete.
    expect(h.one('enqueueGroupChange').change).toMatchObject({ action: 'delete', deleteComputerAccount: true });
    h.now(sent('deauthorize', DEAUTH_CMD)).after(8, status(DEAUTH_CMD, 'Success', ok));
    expect(h.r).toMatchObject({ status: 'FAILED', reason, joined: false });
    expect(h.r.terminatedAt).toBe(h.at);
    h.after(600, (at) => ({ type: 'instanceGone', at, state: 'gone' }));
    expect(h.changed).toBe(false);
  });
});

describe('review findings', () => {
  it('ignores a late delivery of an earlier launch action once the host is back in the warm pool', () => {
    const A = '0aaaaaaa-0000-0000-0000-000000000001';
    const h = readyHost()
      .after(600, (at) =>
        lifecycle('terminate', at, { token: TOKEN2, origin: 'AutoScalingGroup', destination: 'WarmPool' }),
      )
      .now(done('deleteReadyAttribute'))
      .now(done('drain'))
      .after(5, drained)
      .now(done('completeLifecycleAction'));
    expect(h.r.status).toBe('WARMED');
    h.after(3600, (at) => lifecycle('launch', at)); // the original launch token, retried or replayed
    expect(h.changed).toBe(false);
    // A genuinely new launch from the pool still starts.
    h.after(10, (at) => lifecycle('launch', at, { token: A, origin: 'WarmPool', destination: 'AutoScalingGroup' }));
    expect(h.r.status).toBe('LAUNCHING');
  });

  it('ignores a launch event older than the action the record already serves', () => {
    const h = readyHost().after(600, (at) =>
      lifecycle('terminate', at, { token: TOKEN2, eventAt: at - 1, destination: 'WarmPool' }),
    );
    h.now(done('deleteReadyAttribute')).now(done('drain')).after(5, drained).now(done('completeLifecycleAction'));
    h.after(10, (at) => lifecycle('launch', at, { token: '0bbbbbbb-0000-0000-0000-000000000001', eventAt: at - 3000 }));
    expect(h.r.status).toBe('WARMED');
    expect(h.of('log').map((l) => l.message)).toContain(
      'lifecycle event older than the action already served: ignored',
    );
  });

  it('schedules heartbeats from the action start when the event arrived late', () => {
    const h = new Host().send(lifecycle('launch', T0 + 2400, { eventAt: T0 }));
    expect(h.r.lifecycle).toMatchObject({ startedAt: T0, heartbeatAt: T0 });
    expect(h.r.nextCheckAt).toBeLessThanOrEqual(T0 + windows.heartbeatTimeoutSeconds / 2);
  });

  it('backs off when a pending cleanup cannot even be sent, instead of retrying every 30 s', () => {
    const h = readyHost()
      .after(600, (at) => ({ type: 'instanceGone', at, state: 'terminated' }))
      .now((at) => ({
        type: 'failed',
        at,
        effect: 'enqueueGroupChange',
        kind: 'retryable',
        message: 'ThrottlingException',
      }))
      .after(STEP_DEADLINE.deauthorize + 1, tick);
    expect(h.r.status).toBe('CLEANUP_PENDING');
    const attempts = h.r.cleanupAttempts;
    h.after(cleanupBackoff(attempts), tick);
    expect(h.of('enqueueGroupChange')).toHaveLength(1);
    h.now((at) => ({ type: 'failed', at, effect: 'enqueueGroupChange', kind: 'gone', message: 'InvalidInstanceId' }));
    expect(h.r.cleanupAttempts).toBe(attempts + 1);
    expect(h.r.nextCheckAt).toBe(h.at + cleanupBackoff(attempts + 1));
    h.after(60, tick);
    expect(h.of('enqueueGroupChange')).toEqual([]);
  });

  it('hands a join still running when the launch fails to cleanup, which learns the account but never deletes it unproven', () => {
    const h = joinSent().after(STEP_DEADLINE.join + 1, tick);
    expect(h.r).toMatchObject({ failedStep: 'join', openJoin: { commandId: JOIN_CMD } });
    h.now(done('completeLifecycleAction'));
    expect(h.r.status).toBe('FAILED');
    h.after(600, (at) => ({ type: 'instanceGone', at, state: 'terminated' }));
    expect(h.actions()).toEqual([{ type: 'getCommandInvocation', commandId: JOIN_CMD, instanceId: h.instanceId }]);
    h.now(status(JOIN_CMD, 'Success'));
    expect(h.r).toMatchObject({ computerName: 'EC2AMAZ-7Q2LK9D', status: 'FAILED' });
    expect(h.of('enqueueGroupChange')).toEqual([]);
  });
});

describe('a failed launch whose undo failed, on a fleet that keeps such hosts (CONTINUE)', () => {
  const keepHosts = fleetWith(windows, { onLaunchFailure: 'CONTINUE' });
  const authCmd = 'aaaaaaaa-0000-0000-0000-0000000000b1';
  const undoCmd = 'aaaaaaaa-0000-0000-0000-0000000000b2';
  function undoFailed(): Host {
    return new Host(keepHosts)
      .send(lifecycle('launch'))
      .after(60, agent(true, 'EC2AMAZ-7Q2LK9D.corp.example.com'))
      .resolve()
      .now(sent('authorize', authCmd))
      .after(8, status(authCmd, 'Failed', 'GMSA-READY-RESULT EC2AMAZ-7Q2LK9D$ error Access is denied'))
      .now(sent('undo', undoCmd))
      .after(8, status(undoCmd, 'Failed', 'GMSA-READY-RESULT EC2AMAZ-7Q2LK9D$ error The server is not operational'))
      .now(done('completeLifecycleAction'));
  }

  it('keeps retrying the membership removal, never deleting the live host account, then settles FAILED', () => {
    const h = undoFailed();
    expect(h.r).toMatchObject({
      status: 'CLEANUP_PENDING',
      step: 'deauthorize',
      inGroup: true,
      lifecycle: { result: 'CONTINUE' },
    });
    h.after(cleanupBackoff(1), tick);
    expect(h.one('enqueueGroupChange').change).toMatchObject({
      action: 'remove',
      purpose: 'undo',
      deleteComputerAccount: false,
    });
    const RETRY = 'aaaaaaaa-0000-0000-0000-0000000000b3';
    h.now(sent('undo', RETRY)).after(8, status(RETRY, 'Success', ok));
    expect(h.r).toMatchObject({
      status: 'FAILED',
      inGroup: false,
      joined: true,
      reason: 'authorize: group-insufficient-rights: Access is denied',
    });
    expect(h.r.terminatedAt).toBeUndefined();
  });

  it('deletes the account too once the host is gone', () => {
    const h = undoFailed().after(60, (at) => ({ type: 'instanceGone', at, state: 'terminated' }));
    expect(h.r.terminatedAt).toBe(h.at);
    h.after(cleanupBackoff(1), tick);
    expect(h.one('enqueueGroupChange').change).toMatchObject({
      action: 'remove',
      purpose: 'deauthorize',
      deleteComputerAccount: true,
    });
  });
});

describe("terminate overtaking a failed launch's undo (issue 11, CHAOS_SEED=20260101)", () => {
  /** A Windows host whose refresh failed: the undo (remove from the group) has been sent. */
  function undoSent(fleet = windows): Host {
    return new Host(fleet)
      .send(lifecycle('launch'))
      .after(60, agent(true, 'EC2AMAZ-7Q2LK9D.WORKGROUP'))
      .now(sent('join', JOIN_CMD))
      .after(240, status(JOIN_CMD, 'Success'))
      .now(agent(true, 'EC2AMAZ-7Q2LK9D.corp.example.com'))
      .resolve()
      .now(done('enqueueGroupChange'))
      .after(6, sent('authorize', AUTH_CMD))
      .after(8, status(AUTH_CMD, 'Success', ok))
      .now(sent('refresh', REFRESH_CMD))
      .after(5, status(REFRESH_CMD, 'Failed'))
      .now(done('enqueueGroupChange'))
      .after(5, sent('undo', UNDO_CMD));
  }

  it('learns the undo outcome before removing anything: a done undo leaves only the account to delete', () => {
    const h = undoSent().after(1, terminate);
    expect(h.r).toMatchObject({
      status: 'TERMINATING',
      step: 'drain',
      unconfirmed: { purpose: 'undo', commandId: UNDO_CMD },
    });
    h.now(drained);
    expect(h.r).toMatchObject({ step: 'deauthorize', pending: { purpose: 'undo', commandId: UNDO_CMD } });
    expect(h.actions()).toEqual([
      { type: 'getCommandInvocation', commandId: UNDO_CMD, instanceId: windows.managementInstanceId },
    ]);
    h.after(5, status(UNDO_CMD, 'Success', ok));
    expect(h.r.inGroup).toBe(false);
    expect(h.one('enqueueGroupChange').change).toMatchObject({ action: 'delete', purpose: 'deauthorize' });
  });

  it('on a fleet that keeps accounts, completes without a second removal', () => {
    const keeps = fleetWith(windows, { deleteComputerAccount: false });
    const h = undoSent(keeps)
      .after(1, terminate)
      .now(drained)
      .after(5, status(UNDO_CMD, 'Success', ok));
    expect(h.of('enqueueGroupChange')).toEqual([]);
    expect(h.one('completeLifecycleAction')).toMatchObject({ token: TOKEN2, result: 'CONTINUE' });
    h.now(done('completeLifecycleAction'));
    expect(h.r).toMatchObject({ status: 'TERMINATED', inGroup: false });
  });

  it('sends its own removal when the undo failed', () => {
    const h = undoSent()
      .after(1, terminate)
      .now(drained)
      .after(5, status(UNDO_CMD, 'Failed', 'GMSA-READY-RESULT EC2AMAZ-7Q2LK9D$ failed: the server is not operational'));
    expect(h.one('enqueueGroupChange').change).toMatchObject({ action: 'remove', purpose: 'deauthorize' });
  });
});
