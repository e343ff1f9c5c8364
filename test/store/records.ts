// HostRecord builders for store and status tests: one with every optional field set, one bare; and a join's ref.
import type { CommandRef } from '../../lib/engine/ports';
import type { HostRecord } from '../../lib/workflow/types';

export const T0 = 1_735_000_000;

/** A record with only the required fields. */
export function bareRecord(overrides: Partial<HostRecord> = {}): HostRecord {
  return {
    instanceId: 'i-0123456789abcdef0',
    fleet: 'orders',
    platform: 'linux',
    mode: 'domain-joined',
    autoScalingGroupName: 'orders-asg',
    version: 1,
    status: 'LAUNCHING',
    step: 'agent',
    stepStartedAt: T0,
    attempts: 0,
    joined: false,
    inGroup: false,
    ready: false,
    cleanupAttempts: 0,
    reason: null,
    history: [],
    createdAt: T0,
    updatedAt: T0,
    ...overrides,
  };
}

/** A record with every optional field filled in, nested ones included. */
export function fullRecord(overrides: Partial<HostRecord> = {}): HostRecord {
  return bareRecord({
    status: 'TERMINATING',
    step: 'deauthorize',
    stepStartedAt: T0 + 300,
    attempts: 2,
    nextCheckAt: T0 + 360,
    lifecycle: {
      transition: 'terminate',
      hookName: 'orders-terminate',
      token: '11111111-2222-3333-4444-555555555555',
      autoScalingGroupName: 'orders-asg',
      origin: 'AutoScalingGroup',
      destination: 'EC2',
      startedAt: T0 + 200,
      heartbeatAt: T0 + 250,
      heartbeats: 1,
      result: 'CONTINUE',
      completedAt: T0 + 290,
      replay: false,
    },
    cancelledTokens: ['aaaaaaaa-2222-3333-4444-555555555555'],
    launchStartedAt: T0,
    readyAt: T0 + 120,
    computerName: 'EC2AMAZ-ABC123',
    joined: true,
    inGroup: true,
    ready: true,
    containerInstanceArn: 'arn:aws:ecs:us-east-1:123456789012:container-instance/orders/0123abcd',
    pending: {
      purpose: 'deauthorize',
      commandId: 'c0ffee00-1111-2222-3333-444444444444',
      targetInstanceId: 'i-0aaaaaaaaaaaaaaaa',
      requestedAt: T0 + 301,
      attempt: 1,
    },
    standaloneTasks: 0,
    cleanupAttempts: 1,
    reason: 'deauthorize retry: "access denied"',
    history: [
      { at: T0, step: 'agent', detail: 'launch event' },
      { at: T0 + 60, step: 'join', detail: 'joined corp.example.com' },
      { at: T0 + 300, step: 'deauthorize', detail: '' },
    ],
    version: 7,
    updatedAt: T0 + 301,
    ...overrides,
  });
}

/** A join's command ref as the engine indexes it for one host. */
const JOIN_COMMAND: CommandRef = {
  commandId: 'c1',
  purpose: 'join',
  documentName: 'AWS-JoinDirectoryServiceDomain',
  targetInstanceId: 'i-0123456789abcdef0',
  instanceIds: ['i-0123456789abcdef0'],
  sentAt: T0,
};

export const joinCommand = (overrides: Partial<CommandRef> = {}): CommandRef => ({ ...JOIN_COMMAND, ...overrides });
