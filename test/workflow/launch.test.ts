import { describe, expect, it } from 'vitest';
import { CLAIM_SECONDS, delayToGrid, HISTORY_LIMIT, STEP_DEADLINE } from '../../lib/workflow/timing';
import type { Signal } from '../../lib/workflow/types';
import {
  ARN,
  AUTH_CMD,
  agent,
  booted,
  domainless,
  done,
  fleetWith,
  Host,
  ID,
  IDENTITY,
  inspected,
  JOIN_CMD,
  joinSent,
  LINUX_IDENTITY,
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

const joinedName = 'EC2AMAZ-7Q2LK9D.corp.example.com';

/** A Windows host through join, identify and resolve, sitting in authorize with the change queued. */
function authorizing(): Host {
  return joinSent().after(240, status(JOIN_CMD, 'Success')).now(agent(true, joinedName)).resolve();
}

describe('launch: intake', () => {
  it('creates the record, waits for the first agent poll on the grid and counts the launch', () => {
    const h = new Host().send(lifecycle('launch'));
    expect(h.r).toMatchObject({
      instanceId: ID,
      fleet: 'orders',
      status: 'LAUNCHING',
      step: 'agent',
      lifecycle: { transition: 'launch', token: TOKEN, hookName: 'gmsa-launch', startedAt: T0, heartbeats: 0 },
      launchStartedAt: T0,
    });
    // No look yet: an agent is never online as its host boots, and the poll shares a call with the fleet's.
    expect(h.actions()).toEqual([]);
    expect(h.one('wake')).toEqual({ type: 'wake', instanceId: ID, delaySeconds: 5, chain: 1 });
    expect(h.one('tag')).toEqual({ type: 'tag', instanceId: ID, status: 'LAUNCHING', reason: null });
    expect(h.metrics()).toContainEqual({ name: 'LaunchStarted', value: 1, dimensions: { Fleet: 'orders' } });
  });

  it('ignores a duplicate delivery of the same lifecycle action', () => {
    const h = new Host().send(lifecycle('launch'));
    const before = h.r;
    h.after(2, (at) => lifecycle('launch', at));
    expect(h.changed).toBe(false);
    expect(h.effects).toEqual([]);
    expect(h.r).toBe(before);
  });

  it('never acts on a launch event for a host that is already READY or gone', () => {
    const h = readyHost();
    h.after(10, (at) => lifecycle('launch', at, { token: TOKEN2 }));
    expect(h.r.status).toBe('READY');
    expect(h.actions()).toEqual([]);
    expect(h.of('log')[0]?.message).toContain('launch event ignored: instance is already READY');
  });

  it('ignores signals for an instance it has no record of', () => {
    const h = new Host().send(tick(T0));
    expect(h.record).toBeUndefined();
    expect(h.changed).toBe(false);
  });
});

describe('launch: waiting for the SSM agent', () => {
  it('looks again later while the agent is offline, without sleeping', () => {
    const h = new Host().send(lifecycle('launch')).after(15, agent(false));
    expect(h.r.step).toBe('agent');
    expect(h.r.reason).toBe('waiting: SSM agent not online');
    h.after(15, tick);
    expect(h.actions()).toEqual([{ type: 'describeAgent', instanceId: ID }]);
    expect(h.one('wake').delaySeconds).toBe(5);
  });

  it('polls on a 5 s grid in absolute time, so hosts that launched apart look together', () => {
    // At least half a period ahead: T0 + 1 waits for T0 + 5, T0 + 3 for T0 + 10, T0 + 7.4 for T0 + 10.
    for (const [offset, lands] of [
      [1, 5],
      [3, 10],
      [7.4, 10],
    ]) {
      const h = new Host().send(lifecycle('launch', T0 + (offset as number)));
      expect(h.one('wake').delaySeconds).toBeCloseTo((lands as number) - (offset as number));
      h.wake((lands as number) - (offset as number));
      expect(h.actions()).toEqual([{ type: 'describeAgent', instanceId: ID }]);
      expect(h.one('wake').delaySeconds).toBe(5);
    }
  });

  it('writes the record when a polling chain starts and once a lease, not at every poll', () => {
    const h = new Host().send(lifecycle('launch'));
    // The chain's lease runs 60 s past its first wake; the reconciler looks only if the chain stops.
    expect(h.r).toMatchObject({ pollChain: 1, nextCheckAt: T0 + 5 + 60 });
    h.wake(5).now(agent(false)); // the first answer gives the record its reason: news, written
    expect(h.changed).toBe(true);
    const polls: boolean[] = [];
    for (let i = 0; i < 12; i++) {
      h.wake(5);
      polls.push(h.changed);
      h.now(agent(false));
      expect(h.changed).toBe(false);
    }
    // Eleven polls learn nothing and write nothing; the twelfth renews the lease before it would lapse.
    expect(polls.filter(Boolean)).toHaveLength(1);
    expect(h.r.nextCheckAt).toBeGreaterThan(h.at + 5);
  });

  it('ignores a wake that is no longer due, so duplicate wakes never fork a second polling chain', () => {
    const h = new Host().send(lifecycle('launch'));
    // A wake of no chain, or of another, inside the lease is not due.
    h.after(1, (at) => ({ type: 'tick', at, wake: true }));
    expect(h.changed).toBe(false);
    expect(h.effects).toEqual([]);
    h.now((at) => ({ type: 'tick', at, wake: true, chain: 7 }));
    expect(h.effects).toEqual([]);
    h.wake(1); // the chain's own wake is due
    expect(h.actions()).toEqual([{ type: 'describeAgent', instanceId: ID }]);
  });

  it('ends the polling chain with its step: a late wake of it is not due in the next', () => {
    const h = new Host().send(lifecycle('launch')).wake(5);
    const chain = h.r.pollChain;
    h.now(agent(true, 'EC2AMAZ-ABC123'));
    expect(h.r.step).not.toBe('agent');
    expect(h.r.pollChain).toBeUndefined();
    const step = h.r.step;
    h.after(5, (at) => ({ type: 'tick', at, wake: true, chain }));
    expect(h.effects).toEqual([]);
    expect(h.r.step).toBe(step);
  });

  it('fails the launch when the agent never comes online, completing with onLaunchFailure', () => {
    const h = new Host().send(lifecycle('launch')).after(15, agent(false)).after(STEP_DEADLINE.agent, tick);
    expect(h.r.failedStep).toBe('agent');
    expect(h.r.step).toBe('complete');
    expect(h.r.reason).toBe('agent: agent-never-online: SSM agent not online');
    expect(h.one('completeLifecycleAction')).toEqual({
      type: 'completeLifecycleAction',
      autoScalingGroupName: 'prod-ecs-win-orders',
      hookName: 'gmsa-launch',
      token: TOKEN,
      instanceId: ID,
      result: 'ABANDON',
    });
    expect(h.metrics()).toContainEqual({
      name: 'StepFailed',
      value: 1,
      dimensions: { Fleet: 'orders', Step: 'agent' },
    });
    h.now(done('completeLifecycleAction'));
    expect(h.r.status).toBe('FAILED');
    expect(h.r.lifecycle?.result).toBe('ABANDON');
    expect(h.metrics()).toContainEqual({ name: 'LaunchFailed', value: 1, dimensions: { Fleet: 'orders' } });
  });

  it('completes CONTINUE on failure when the fleet says so', () => {
    const h = new Host(fleetWith(windows, { onLaunchFailure: 'CONTINUE' }))
      .send(lifecycle('launch'))
      .after(STEP_DEADLINE.agent + 1, tick);
    expect(h.one('completeLifecycleAction').result).toBe('CONTINUE');
  });

  it('fails when SSM reports another platform than the fleet', () => {
    const h = new Host().send(lifecycle('launch')).after(30, agent(true, 'ip-10-0-0-1', 'Linux'));
    expect(h.r.reason).toBe('agent: agent-platform-mismatch: SSM reports platform Linux, fleet orders is windows');
    expect(h.one('completeLifecycleAction').result).toBe('ABANDON');
  });
});

describe('launch: domain join', () => {
  it('sends AWS-JoinDirectoryServiceDomain with the fleet directory', () => {
    const h = booted();
    expect(h.r.step).toBe('join');
    expect(h.actions()).toEqual([
      {
        type: 'sendCommand',
        purpose: 'join',
        platform: 'windows',
        instanceId: ID,
        parameters: {
          directoryId: ['d-1234567890'],
          directoryName: ['corp.example.com'],
          directoryOU: ['OU=Hosts,DC=corp,DC=example,DC=com'],
          dnsIpAddresses: ['10.0.0.10', '10.0.0.11'],
        },
        timeoutSeconds: 600,
      },
    ]);
    expect(h.r.pending).toEqual({ purpose: 'join', targetInstanceId: ID, requestedAt: T0 + 60, attempt: 1 });
  });

  it('omits optional directory parameters the fleet does not set', () => {
    const h = new Host(linux).send(lifecycle('launch')).after(60, agent(true, 'ip-10-0-0-1.ec2.internal', 'Linux'));
    expect(h.one('sendCommand').parameters).toEqual({
      directoryId: ['d-1234567890'],
      directoryName: ['corp.example.com'],
    });
  });

  it('skips the join and identify when the host is already in the domain', () => {
    const h = new Host().send(lifecycle('launch')).after(60, agent(true, joinedName));
    expect(h.r).toMatchObject({ joined: true, computerName: 'EC2AMAZ-7Q2LK9D', step: 'resolve' });
    expect(h.one('enqueueGroupChange').change).toMatchObject({ action: 'resolve', purpose: 'resolve' });
  });

  it('joins a Linux host whose FQDN carries the domain only through DHCP options', () => {
    const h = new Host(linux)
      .send(lifecycle('launch', T0, { autoScalingGroupName: 'prod-ecs-linux-payments' }))
      .after(60, agent(true, 'ip-10-0-0-1.corp.example.com', 'Linux'));
    expect(h.r).toMatchObject({ step: 'join', joined: false });
    expect(h.r.computerName).toBeUndefined();
  });

  it('never joins a Linux host the join already renamed (a second join would rename it again)', () => {
    const h = new Host(linux)
      .send(lifecycle('launch', T0, { autoScalingGroupName: 'prod-ecs-linux-payments' }))
      .after(60, agent(true, 'ec2amaz-ab12cd.corp.example.com', 'Linux'));
    expect(h.r).toMatchObject({ step: 'resolve', joined: true, computerName: 'EC2AMAZ-AB12CD' });
    expect(h.of('sendCommand')).toEqual([]);
  });

  it('remembers the command id, waits while it runs and moves on when it succeeds', () => {
    const h = booted();
    h.now(sent('join', JOIN_CMD));
    expect(h.r.pending?.commandId).toBe(JOIN_CMD);
    h.after(30, status(JOIN_CMD, 'InProgress'));
    expect(h.r.step).toBe('join');
    expect(h.actions()).toEqual([]);
    h.after(200, status(JOIN_CMD, 'Success'));
    expect(h.r).toMatchObject({ joined: true, step: 'identify' });
    expect(h.actions()).toEqual([{ type: 'describeAgent', instanceId: ID }]);
  });

  it('ignores a status for another command', () => {
    const h = joinSent().after(5, status('bbbbbbbb-0000-0000-0000-000000000009', 'Failed'));
    expect(h.changed).toBe(false);
    expect(h.r.step).toBe('join');
  });

  it('adopts the command when SendCommand answered but the record never saw it', () => {
    const h = booted();
    h.after(240, (at) => ({ type: 'commandStatus', at, commandId: JOIN_CMD, purpose: 'join', status: 'Success' }));
    expect(h.r.joined).toBe(true);
    expect(h.r.step).toBe('identify');
  });

  it('fails the launch when the join fails, with the command in the reason', () => {
    const h = joinSent().after(100, status(JOIN_CMD, 'Failed'));
    expect(h.r.reason).toBe(`join: unknown: command ${JOIN_CMD} ended Failed`);
    expect(h.r.failedStep).toBe('join');
    expect(h.actions()).toEqual([expect.objectContaining({ type: 'completeLifecycleAction', result: 'ABANDON' })]);
  });

  it('classifies what the failed join printed: the code and the line that shows it on the record, the reason and the log', () => {
    const errorOutput = [
      "Add-Computer : Computer 'EC2AMAZ-A1B2C3D' failed to join domain 'corp.example.com' from its current workgroup 'WORKGROUP' with following error message: The specified domain either does not exist or could not be contacted.",
      '    + CategoryInfo          : OperationStopped: (EC2AMAZ-A1B2C3D:String) [Add-Computer], InvalidOperationException',
    ].join('\n');
    const h = joinSent().after(100, (at) => ({
      type: 'commandStatus',
      at,
      commandId: JOIN_CMD,
      status: 'Failed',
      errorOutput,
    }));
    const line = errorOutput.split('\n')[0] ?? '';
    expect(h.r.failure).toEqual({ step: 'join', code: 'join-domain-not-found', message: line });
    expect(h.r.reason).toMatch(/^join: join-domain-not-found: Add-Computer : Computer 'EC2AMAZ-A1B2C3D' failed/);
    expect(h.one('log')).toMatchObject({ level: 'error', fields: { failureCode: 'join-domain-not-found' } });
  });

  it('keeps the code of a failed launch through completion: FAILED with its failure', () => {
    const h = joinSent().after(100, (at) => ({
      type: 'commandStatus',
      at,
      commandId: JOIN_CMD,
      status: 'Failed',
      errorOutput: "realm: Couldn't join realm: Insufficient permissions to join the domain",
    }));
    h.now(done('completeLifecycleAction'));
    expect(h.r.status).toBe('FAILED');
    expect(h.r.failure?.code).toBe('join-access-denied');
  });

  it('waits through InvocationDoesNotExist right after SendCommand, then resends a lost command', () => {
    const h = joinSent().after(3, status(JOIN_CMD, 'NotFound'));
    expect(h.actions()).toEqual([]);
    expect(h.r.step).toBe('join');
    h.after(200, status(JOIN_CMD, 'NotFound'));
    expect(h.actions().map((e) => e.type)).toEqual(['sendCommand']);
    expect(h.r.pending?.attempt).toBe(2);
    expect(h.r.pending?.commandId).toBeUndefined();
  });

  const nothingFound = (at: number): Signal => ({ type: 'commandsFound', at, purpose: 'join', commandIds: [] });

  it('asks SSM before resending a command whose id never reached the record, and adopts it', () => {
    const h = booted().after(200, tick);
    expect(h.actions()).toEqual([
      {
        type: 'findCommand',
        purpose: 'join',
        platform: 'windows',
        instanceId: ID,
        after: T0 + 60,
        computerAccount: undefined,
      },
    ]);
    h.now((at) => ({ type: 'commandsFound', at, purpose: 'join', commandIds: [JOIN_CMD] }));
    expect(h.r.pending).toMatchObject({ commandId: JOIN_CMD, attempt: 1 });
    expect(h.actions()).toEqual([{ type: 'getCommandInvocation', commandId: JOIN_CMD, instanceId: ID }]);
    expect(h.of('sendCommand')).toEqual([]);
  });

  it('resends only once SSM says it never got the command, and gives up after three', () => {
    const h = booted().after(200, tick).now(nothingFound);
    expect(h.actions().map((e) => e.type)).toEqual(['sendCommand']);
    expect(h.r.pending?.attempt).toBe(2);
    h.after(200, tick).now(nothingFound);
    expect(h.r.pending?.attempt).toBe(3);
    h.after(200, tick).now(nothingFound);
    expect(h.r.reason).toBe('join: command-timed-out: join command was lost 3 times');
  });

  it('asks again, rather than resend blind, when the search itself failed', () => {
    const h = booted()
      .after(200, tick)
      .now((at) => ({ type: 'failed', at, effect: 'findCommand', kind: 'retryable', message: 'ThrottlingException' }));
    expect(h.r.pending?.searched).toBe(false);
    h.after(30, tick);
    expect(h.actions().map((e) => e.type)).toEqual(['findCommand']);
  });

  it('asks GetCommandInvocation when no status event came in time', () => {
    const h = joinSent().after(100, tick);
    expect(h.actions()).toEqual([]);
    h.after(250, tick);
    expect(h.actions()).toEqual([{ type: 'getCommandInvocation', commandId: JOIN_CMD, instanceId: ID }]);
  });

  it('retries a throttled send and fails a denied one', () => {
    const throttled = booted().now((at) => ({
      type: 'failed',
      at,
      effect: 'sendCommand',
      kind: 'retryable',
      message: 'ThrottlingException: Rate exceeded',
    }));
    expect(throttled.r.pending).toBeUndefined();
    expect(throttled.one('wake').delaySeconds).toBe(30);
    throttled.after(30, tick);
    expect(throttled.actions().map((e) => e.type)).toEqual(['sendCommand']);
    // Nothing went out: the refused send is not an attempt toward "lost N times".
    expect(throttled.r.pending?.attempt).toBe(1);

    const denied = booted().now((at) => ({
      type: 'failed',
      at,
      effect: 'sendCommand',
      kind: 'denied',
      message: 'AccessDeniedException: no',
    }));
    expect(denied.r.reason).toBe('join: aws-access-denied: AccessDeniedException: no');
  });
});

describe('launch: identify', () => {
  it('waits until SSM reports the joined name, then stores the NetBIOS name', () => {
    const h = new Host(linux)
      .send(lifecycle('launch', T0, { autoScalingGroupName: 'prod-ecs-linux-payments' }))
      .after(60, agent(true, 'ip-10-0-0-1.ec2.internal', 'Linux'))
      .now(sent('join', JOIN_CMD))
      .after(60, status(JOIN_CMD, 'Success'))
      .now(agent(true, 'ip-10-0-0-1.ec2.internal', 'Linux'));
    expect(h.r.step).toBe('identify');
    expect(h.r.reason).toContain("still reports computer name 'ip-10-0-0-1.ec2.internal'");
    h.after(20, agent(true, 'ec2amaz-ab12cd.corp.example.com', 'Linux'));
    expect(h.r.computerName).toBe('EC2AMAZ-AB12CD');
    expect(h.r.step).toBe('resolve');
  });

  it('on Linux, waits for the name the join gave, not a DHCP-suffixed name SSM has not refreshed yet', () => {
    const h = new Host(linux)
      .send(lifecycle('launch', T0, { autoScalingGroupName: 'prod-ecs-linux-payments' }))
      .after(60, agent(true, 'ip-10-0-1-23.corp.example.com', 'Linux'))
      .now(sent('join', JOIN_CMD))
      .after(60, status(JOIN_CMD, 'Success'))
      .now(agent(true, 'ip-10-0-1-23.corp.example.com', 'Linux'));
    expect(h.r).toMatchObject({ step: 'identify', joined: true });
    expect(h.r.computerName).toBeUndefined();
    h.after(20, agent(true, 'ec2amaz-ab12cd.corp.example.com', 'Linux'));
    expect(h.r).toMatchObject({ step: 'resolve', computerName: 'EC2AMAZ-AB12CD' });
  });

  it('refuses a name that is not a valid NetBIOS name', () => {
    const h = new Host().send(lifecycle('launch')).after(60, agent(true, 'ip-172-31-255-255.corp.example.com'));
    expect(h.r.reason).toBe(
      "agent: agent-invalid-computer-name: computer name 'IP-172-31-255-255' is not a valid NetBIOS name (15 characters, letters, digits, hyphens)",
    );
    expect(h.r.computerName).toBeUndefined();
  });
});

describe('launch: authorize', () => {
  it('queues one add for NAME$ on the management host', () => {
    const h = authorizing();
    expect(h.r.inGroup).toBe(true);
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
          action: 'add',
          deleteComputerAccount: false,
          purpose: 'authorize',
        },
      },
    ]);
  });

  it('grants the right to send a queued change to one directory invocation at a time', () => {
    const claim = (claimId: string) => (at: number) => ({ type: 'claim', at, purpose: 'authorize', claimId }) as const;
    const h = authorizing().after(5, claim('first'));
    expect(h.r.pending).toMatchObject({ claimId: 'first', claimedAt: h.at });
    h.after(10, claim('second'));
    expect(h.r.pending?.claimId).toBe('first');
    // A claimant that died or was throttled does not block the redelivery for ever.
    h.after(CLAIM_SECONDS, claim('third'));
    expect(h.r.pending?.claimId).toBe('third');
    // Once sent, nobody may send it again.
    h.now(sent('authorize', AUTH_CMD)).after(CLAIM_SECONDS + 1, claim('fourth'));
    expect(h.r.pending).toMatchObject({ claimId: 'third', commandId: AUTH_CMD });
  });

  it('reads its own line of a batch that failed for another host', () => {
    const output = [
      'GMSA-READY-RESULT EC2AMAZ-OTHER01$ error Access is denied',
      'GMSA-READY-RESULT EC2AMAZ-7Q2LK9D$ ok',
    ].join('\n');
    const h = authorizing()
      .now(sent('authorize', AUTH_CMD))
      .after(8, status(AUTH_CMD, 'Failed', output));
    expect(h.r.step).toBe('refresh');
    expect(h.actions()).toEqual([
      {
        type: 'sendCommand',
        purpose: 'refresh',
        platform: 'windows',
        instanceId: ID,
        parameters: { RestartEcsAgent: ['false'] },
        timeoutSeconds: 600,
      },
    ]);
  });

  it('fails with the directory error and undoes the membership before completing', () => {
    const output = 'GMSA-READY-RESULT EC2AMAZ-7Q2LK9D$ error Insufficient access rights';
    const h = authorizing()
      .now(sent('authorize', AUTH_CMD))
      .after(8, status(AUTH_CMD, 'Failed', output));
    expect(h.r.reason).toBe('authorize: group-insufficient-rights: Insufficient access rights');
    expect(h.r.step).toBe('undo');
    expect(h.one('enqueueGroupChange').change).toMatchObject({
      action: 'remove',
      purpose: 'undo',
      deleteComputerAccount: false,
    });
    h.now(sent('undo', UNDO_CMD)).after(8, status(UNDO_CMD, 'Success', 'GMSA-READY-RESULT EC2AMAZ-7Q2LK9D$ ok'));
    expect(h.r.inGroup).toBe(false);
    expect(h.one('completeLifecycleAction').result).toBe('ABANDON');
    h.now(done('completeLifecycleAction'));
    expect(h.r).toMatchObject({
      status: 'FAILED',
      reason: 'authorize: group-insufficient-rights: Insufficient access rights',
      inGroup: false,
    });
  });

  it('still completes the action when the undo fails, keeping the membership on record', () => {
    const h = authorizing()
      .now(sent('authorize', AUTH_CMD))
      .after(8, status(AUTH_CMD, 'Failed', 'GMSA-READY-RESULT EC2AMAZ-7Q2LK9D$ error boom'))
      .now(sent('undo', UNDO_CMD))
      .after(8, status(UNDO_CMD, 'Failed', 'GMSA-READY-RESULT EC2AMAZ-7Q2LK9D$ error still boom'));
    expect(h.r.inGroup).toBe(true);
    expect(h.one('completeLifecycleAction').result).toBe('ABANDON');
  });

  it('treats a successful batch without this host line as a failure', () => {
    const h = authorizing()
      .now(sent('authorize', AUTH_CMD))
      .after(8, status(AUTH_CMD, 'Success', 'nothing useful'));
    expect(h.r.reason).toBe('authorize: unknown: the group change printed no result for this host');
  });

  it('asks again when SSM cut the batch output (24,000 characters) before this host line', () => {
    const cut = `${'GMSA-READY-RESULT EC2AMAZ-OTHER01$ ok\n'.repeat(700)}`.slice(0, 24_000);
    const h = authorizing()
      .now(sent('authorize', AUTH_CMD))
      .after(8, status(AUTH_CMD, 'Success', cut));
    expect(h.r.status).toBe('LAUNCHING');
    expect(h.r.step).toBe('authorize');
    expect(h.r.pending).toMatchObject({ purpose: 'authorize', attempt: 2 });
    expect(h.r.history.at(-2)?.detail).toBe("authorize output was cut at 24000 characters before this host's line");
  });
});

describe('launch: refresh, verify, ready', () => {
  function verifying(): Host {
    return authorizing()
      .now(sent('authorize', AUTH_CMD))
      .after(8, status(AUTH_CMD, 'Success', 'GMSA-READY-RESULT EC2AMAZ-7Q2LK9D$ ok'))
      .now(sent('refresh', REFRESH_CMD))
      .after(5, status(REFRESH_CMD, 'Success'));
  }

  it('refreshes Linux hosts with the domain to check', () => {
    const h = new Host(linux)
      .send(lifecycle('launch', T0, { autoScalingGroupName: 'prod-ecs-linux-payments' }))
      .after(60, agent(true, 'ec2amaz-ab12cd.corp.example.com', 'Linux'))
      .resolve(LINUX_IDENTITY)
      .now(sent('authorize', AUTH_CMD))
      .after(8, status(AUTH_CMD, 'Success', 'GMSA-READY-RESULT EC2AMAZ-AB12CD$ ok'));
    expect(h.one('sendCommand')).toMatchObject({
      purpose: 'refresh',
      platform: 'linux',
      parameters: { DomainName: ['corp.example.com'] },
    });
  });

  it('inspects the host with every configured credential spec', () => {
    const h = verifying();
    expect(h.r.step).toBe('verify');
    expect(h.actions()).toEqual([
      {
        type: 'inspect',
        cluster: 'orders',
        instanceId: ID,
        credentialSpecs: ['arn:aws:ssm:us-east-1:123456789012:parameter/gmsa/orders-api'],
        directoryName: 'corp.example.com',
        platform: 'windows',
        mode: 'domain-joined',
        discover: false,
        taskExecutionRoleArn: undefined,
      },
    ]);
  });

  it.each([
    [
      { registered: false },
      'waiting: no ECS container instance registered in cluster orders',
      'verify-ecs-not-registered',
    ],
    [{ status: 'REGISTERING' }, 'waiting: container instance is REGISTERING', 'verify-ecs-not-registered'],
    [{ agentConnected: false }, 'waiting: ECS agent not connected', 'verify-ecs-not-registered'],
    [
      { capability: 'ecs.capability.docker-remote-api.1.40' },
      'waiting: ECS agent does not advertise ecs.capability.gmsa',
      'verify-capability-missing',
    ],
  ])('waits while the container instance is not ready (%o), then fails with the code of why', (opts, reason, code) => {
    const h = verifying().now(inspected(opts));
    expect(h.r.step).toBe('verify');
    expect(h.r.reason).toBe(reason);
    // On the 20 s grid: hosts waiting in verify wake together and share one listing (lib/aws/joined.ts).
    const wake = h.one('wake').delaySeconds;
    expect(wake).toBe(delayToGrid(h.at, 20));
    expect((h.at + wake) % 20).toBe(0);
    h.after(STEP_DEADLINE.verify + 1, tick);
    expect(h.r.reason).toBe(`verify: ${code}: ${reason.slice(9)}`);
    expect(h.r.failure).toEqual({ step: 'verify', code, message: reason.slice(9) });
    expect(h.r.ready).toBe(false);
    expect(h.of('putReadyAttribute')).toEqual([]);
  });

  it('fails at once on a broken credential spec and never sets the ready attribute', () => {
    const spec = 'arn:aws:ssm:us-east-1:123456789012:parameter/gmsa/orders-api';
    const h = verifying().now(
      inspected({
        specs: [
          {
            source: spec,
            valid: false,
            findings: [
              {
                severity: 'error',
                code: 'domain-mismatch',
                path: '$.DomainJoinConfig.DnsName',
                message: 'is for contoso.com',
              },
            ],
          },
        ],
      }),
    );
    expect(h.r.reason).toBe(
      `verify: verify-credspec-invalid: credential spec ${spec}: is for contoso.com (domain-mismatch at $.DomainJoinConfig.DnsName)`,
    );
    expect(h.r.step).toBe('undo');
    expect(h.of('putReadyAttribute')).toEqual([]);
  });

  it('waits on a throttled credential spec read instead of failing the host', () => {
    const h = verifying().now(
      inspected({
        specs: [
          {
            source: 'x',
            valid: false,
            findings: [{ severity: 'error', code: 'throttled', path: '$', message: 'slow down' }],
          },
        ],
      }),
    );
    expect(h.r.step).toBe('verify');
    expect(h.r.reason).toBe('waiting: credential spec x could not be read for now (throttled)');
  });

  it('puts the ready attribute on the verified container instance, then completes CONTINUE', () => {
    const h = verifying().after(30, inspected());
    expect(h.r.containerInstanceArn).toBe(ARN);
    expect(h.actions()).toEqual([
      { type: 'putReadyAttribute', cluster: 'orders', containerInstanceArn: ARN, name: 'gmsa-ready' },
    ]);
    h.now(done('putReadyAttribute'));
    expect(h.r.ready).toBe(true);
    expect(h.one('completeLifecycleAction').result).toBe('CONTINUE');
    h.after(1, done('completeLifecycleAction'));
    expect(h.r).toMatchObject({ status: 'READY', step: 'done', reason: null, lifecycle: { result: 'CONTINUE' } });
    expect(h.r.nextCheckAt).toBeUndefined();
    const elapsed = h.at - T0;
    expect(h.metrics()).toContainEqual({ name: 'TimeToReady', value: elapsed, dimensions: { Fleet: 'orders' } });
    expect(h.metrics()).toContainEqual({ name: 'LaunchReady', value: 1, dimensions: { Fleet: 'orders' } });
    expect(h.one('tag')).toEqual({ type: 'tag', instanceId: ID, status: 'READY', reason: null });
  });

  it('records an already finished action (a replay, or a timeout) instead of failing', () => {
    const h = verifying()
      .now(inspected())
      .now(done('putReadyAttribute'))
      .now((at) => ({ type: 'actionGone', at, effect: 'completeLifecycleAction' }));
    expect(h.r.status).toBe('READY');
    expect(h.r.lifecycle?.result).toBe('EXPIRED');
    expect(h.r.history.at(-1)?.detail).toBe('lifecycle action was already finished');
  });

  it('keeps retrying a throttled CompleteLifecycleAction', () => {
    const h = verifying()
      .now(inspected())
      .now(done('putReadyAttribute'))
      .now((at) => ({
        type: 'failed',
        at,
        effect: 'completeLifecycleAction',
        kind: 'retryable',
        message: 'Throttling',
      }));
    expect(h.r.step).toBe('complete');
    h.after(30, tick);
    expect(h.one('completeLifecycleAction').result).toBe('CONTINUE');
  });

  it('keeps only the last HISTORY_LIMIT history entries on the record', () => {
    const h = readyHost();
    expect(h.r.history).toHaveLength(HISTORY_LIMIT);
    expect(h.r.history.at(-1)?.detail).toBe('lifecycle action completed CONTINUE');
  });

  it('records the time spent in every step', () => {
    const h = readyHost();
    // A StepDuration for each step left (the record keeps only its last few history entries).
    const steps = h.all.flatMap((e) =>
      e.type === 'metric' && e.datum.name === 'StepDuration' ? [e.datum.dimensions.Step] : [],
    );
    for (const step of ['agent', 'join', 'identify', 'authorize', 'refresh', 'verify', 'ready', 'complete'])
      expect(steps).toContain(step);
  });
});

describe('launch: domainless fleets', () => {
  it('skips join, group and refresh and verifies the domainless capability', () => {
    const h = new Host(domainless).send(lifecycle('launch', T0, { autoScalingGroupName: 'prod-ecs-win-reports' }));
    expect(h.r.step).toBe('verify');
    expect(h.one('inspect')).toMatchObject({ mode: 'domainless', cluster: 'reports' });
    h.after(30, inspected());
    expect(h.r.reason).toBe('waiting: ECS agent does not advertise ecs.capability.gmsa-domainless');
    h.after(20, inspected({ capability: 'ecs.capability.gmsa-domainless' }))
      .now(done('putReadyAttribute'))
      .now(done('completeLifecycleAction'));
    expect(h.r).toMatchObject({ status: 'READY', joined: false, inGroup: false });
    expect(h.r.history.map((e) => e.step)).not.toContain('join');
  });
});

describe('launch: warm pools', () => {
  it('prepares a host for the pool (join and authorize only), then readies it when it leaves the pool', () => {
    const h = new Host()
      .send(lifecycle('launch', T0, { origin: 'EC2', destination: 'WarmPool' }))
      .after(60, agent(true, 'EC2AMAZ-7Q2LK9D.WORKGROUP'))
      .now(sent('join', JOIN_CMD))
      .after(240, status(JOIN_CMD, 'Success'))
      .now(agent(true, joinedName))
      .resolve()
      .now(sent('authorize', AUTH_CMD))
      .after(8, status(AUTH_CMD, 'Success', 'GMSA-READY-RESULT EC2AMAZ-7Q2LK9D$ ok'));
    expect(h.one('completeLifecycleAction').result).toBe('CONTINUE');
    h.now(done('completeLifecycleAction'));
    expect(h.r).toMatchObject({ status: 'WARMED', joined: true, inGroup: true, ready: false });
    expect(h.metrics().map((m) => m.name)).not.toContain('LaunchReady');

    h.after(3600, (at) =>
      lifecycle('launch', at, { token: TOKEN2, origin: 'WarmPool', destination: 'AutoScalingGroup' }),
    );
    expect(h.r.status).toBe('LAUNCHING');
    h.after(45, agent(true, joinedName));
    expect(h.r.step).toBe('refresh');
    h.now(sent('refresh', REFRESH_CMD))
      .after(5, status(REFRESH_CMD, 'Success'))
      .now(inspected())
      .now(done('putReadyAttribute'))
      .now(done('completeLifecycleAction'));
    expect(h.r.status).toBe('READY');
    expect(h.r.lifecycle?.token).toBe(TOKEN2);
    // Authorized once, when the host was prepared: no second group change.
    expect(h.all.filter((e) => e.type === 'enqueueGroupChange' && e.change.purpose === 'authorize')).toHaveLength(1);
    // The account was proven when the host was prepared; leaving the pool does not resolve it again.
    expect(h.all.filter((e) => e.type === 'enqueueGroupChange' && e.change.purpose === 'resolve')).toHaveLength(1);
  });
});

describe('launch: lifecycle heartbeats', () => {
  const third = windows.heartbeatTimeoutSeconds / 3;

  it('keeps the reconciler due before a third of the heartbeat timeout has passed', () => {
    const h = joinSent();
    expect(h.r.nextCheckAt).toBeLessThanOrEqual(T0 + third);
  });

  it('records a heartbeat once a third of the timeout has passed, and counts it', () => {
    const h = joinSent().after(third - 61, tick);
    expect(h.of('recordHeartbeat')).toEqual([]);
    h.after(1, tick);
    expect(h.of('recordHeartbeat')).toEqual([
      {
        type: 'recordHeartbeat',
        autoScalingGroupName: 'prod-ecs-win-orders',
        hookName: 'gmsa-launch',
        token: TOKEN,
        instanceId: ID,
      },
    ]);
    h.now(done('recordHeartbeat'));
    expect(h.r.lifecycle).toMatchObject({ heartbeatAt: T0 + third, heartbeats: 1 });
    expect(h.metrics()).toEqual([{ name: 'HeartbeatSent', value: 1, dimensions: { Fleet: 'orders' } }]);
    expect(h.r.nextCheckAt).toBeLessThanOrEqual(T0 + 2 * third);
  });

  it('tries a failed heartbeat again within seconds, not at the next reconciler minute', () => {
    const h = joinSent()
      .after(third - 60, tick)
      .now((at) => ({ type: 'failed', at, effect: 'recordHeartbeat', kind: 'retryable', message: 'InternalFailure' }));
    expect(h.one('wake').delaySeconds).toBe(30);
    expect(h.r.lifecycle?.heartbeats).toBe(0);
    h.after(30, (at) => ({ type: 'tick', at, wake: true }));
    expect(h.of('recordHeartbeat')).toHaveLength(1);
  });

  it('treats an expired action as a failed launch and does not complete it again', () => {
    const h = authorizing()
      .now(sent('authorize', AUTH_CMD))
      .now((at) => ({ type: 'actionGone', at, effect: 'recordHeartbeat' }));
    expect(h.r.lifecycle?.result).toBe('EXPIRED');
    expect(h.r.reason).toBe('authorize: lifecycle-action-expired: lifecycle action expired');
    expect(h.r.step).toBe('undo');
    h.now(sent('undo', UNDO_CMD)).after(5, status(UNDO_CMD, 'Success', 'GMSA-READY-RESULT EC2AMAZ-7Q2LK9D$ ok'));
    expect(h.of('completeLifecycleAction')).toEqual([]);
    expect(h.r.status).toBe('FAILED');
  });
});
