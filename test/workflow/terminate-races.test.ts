// Terminate racing the launch or the network: the cases the sandbox invariants found.
import { describe, expect, it } from 'vitest';
import { STEP_DEADLINE } from '../../lib/workflow/timing';
import {
  agent,
  DEAUTH_CMD,
  done,
  fleetWith,
  Host,
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

const ok = 'GMSA-READY-RESULT EC2AMAZ-7Q2LK9D$ ok';
const terminate = (at: number) => lifecycle('terminate', at, { token: TOKEN2 });
const drained = (at: number) => ({ type: 'drainStatus', at, standaloneTasks: 0 }) as const;

describe('terminate while the join is still running', () => {
  function joining(): Host {
    return joinSent().after(100, terminate).now(drained);
  }

  it('waits for the join, learns the name it produced, and removes the account it created', () => {
    const h = joining();
    expect(h.r).toMatchObject({ status: 'TERMINATING', step: 'deauthorize', openJoin: { commandId: JOIN_CMD } });
    expect(h.r.cancelledTokens).toEqual([TOKEN]);
    expect(h.of('completeLifecycleAction')).toEqual([]);

    h.after(60, status(JOIN_CMD, 'Success'));
    expect(h.r.joined).toBe(true);
    expect(h.actions()).toEqual([{ type: 'describeAgent', instanceId: h.instanceId }]);
    h.now(agent(true, 'EC2AMAZ-7Q2LK9D.corp.example.com'));
    expect(h.r.computerName).toBe('EC2AMAZ-7Q2LK9D');
    expect(h.one('enqueueGroupChange').change).toMatchObject({
      action: 'remove',
      deleteComputerAccount: true,
      purpose: 'deauthorize',
    });
    h.now(sent('deauthorize', DEAUTH_CMD)).after(8, status(DEAUTH_CMD, 'Success', ok));
    expect(h.one('completeLifecycleAction')).toMatchObject({ token: TOKEN2, result: 'CONTINUE' });
    h.now(done('completeLifecycleAction'));
    expect(h.r).toMatchObject({ status: 'TERMINATED', joined: false });
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
      .now(sent('authorize', 'aaaaaaaa-0000-0000-0000-0000000000a1'))
      .after(8, status('aaaaaaaa-0000-0000-0000-0000000000a1', 'Success', ok))
      .now(sent('refresh', 'aaaaaaaa-0000-0000-0000-0000000000a2'))
      .after(8, status('aaaaaaaa-0000-0000-0000-0000000000a2', 'Failed'))
      .now(sent('undo', 'aaaaaaaa-0000-0000-0000-0000000000a3'))
      .after(8, status('aaaaaaaa-0000-0000-0000-0000000000a3', 'Success', ok))
      .now(done('completeLifecycleAction'));
    const reason = 'refresh: command aaaaaaaa-0000-0000-0000-0000000000a2 ended Failed';
    expect(h.r).toMatchObject({ status: 'FAILED', reason, joined: true });
    h.after(600, (at) => ({ type: 'instanceGone', at, state: 'terminated' }));
    expect(h.one('enqueueGroupChange').change).toMatchObject({ action: 'remove', deleteComputerAccount: true });
    h.now(sent('deauthorize', DEAUTH_CMD)).after(8, status(DEAUTH_CMD, 'Success', ok));
    expect(h.r).toMatchObject({ status: 'FAILED', reason, joined: false });
    expect(h.r.terminatedAt).toBe(h.at);
    h.after(600, (at) => ({ type: 'instanceGone', at, state: 'gone' }));
    expect(h.changed).toBe(false);
  });
});
