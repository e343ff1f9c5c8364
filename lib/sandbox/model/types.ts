// The simulated account's state: plain records, indexed by id in the account and the models so the calls a
// burst makes per host are O(1) or O(log n); ListCommands scans every command.
import type { Fleet } from '../../config/schema';
import type { LifecycleResult, Place, Platform, Transition } from '../../workflow/types';
import type { Fault } from '../world';

/** 'stopped': in a warm pool (Warmed:Stopped), joined, its account and membership kept (aws-facts 1.3). */
export type Ec2State = 'pending' | 'running' | 'stopped' | 'shutting-down' | 'terminated';

export interface SimContainer {
  arn: string;
  cluster: string;
  instanceId: string;
  status: 'ACTIVE' | 'DRAINING' | 'INACTIVE';
  agentConnected: boolean;
  /** name → value (undefined for name-only capability attributes). */
  attributes: Map<string, string | undefined>;
  registeredAt: number;
}

export interface SimLifecycleAction {
  token: string;
  instanceId: string;
  autoScalingGroupName: string;
  hookName: string;
  transition: Transition;
  startedAt: number;
  /** The hook's HeartbeatTimeout when the action started (world misconfiguration hook-timeout-mismatch). */
  heartbeatTimeout: number;
  /** Heartbeat deadline: the hook times out with its DefaultResult when it passes. */
  deadline: number;
  globalDeadline: number;
  heartbeats: number;
  result?: LifecycleResult;
  completedBy?: 'CompleteLifecycleAction' | 'HeartbeatTimeout' | 'InstanceGone';
  completedAt?: number;
  /** Refused CompleteLifecycleAction / RecordLifecycleActionHeartbeat calls, by message. */
  rejected: string[];
  /** The world lost this action's event (fault `launch-event-lost` / `terminate-event-lost`). */
  eventLost?: boolean;
  /** The event's Origin and Destination when a warm pool is involved (aws-facts 1.3); absent: EC2 ↔ group. */
  origin?: Place;
  destination?: Place;
}

export interface SimInstance {
  instanceId: string;
  autoScalingGroupName?: string;
  fleet?: Fleet;
  platform: Platform;
  /** The host name (NetBIOS length); a Linux join replaces it. */
  hostname: string;
  /** A name the host reports to SSM (ComputerName) instead of its own: a lying or misconfigured host. */
  reportsComputerName?: string;
  faults: Set<Fault>;
  /** The error output a `join-fails` join prints (world `joinError`); absent: the model's default text. */
  joinError?: string;
  management: boolean;
  /** In service before the world started (world `running`), unknown to gmsa-ready: the sweep must adopt it. */
  running?: boolean;
  state: Ec2State;
  inService: boolean;
  launchedAt?: number;
  agentOnline: boolean;
  joined: boolean;
  /** The computer account the join created (NAME$), kept after the host is gone. */
  accountName?: string;
  /** Whether the ECS agent saw the host domain-joined when it last started. */
  ecsAgentSawJoin: boolean;
  container?: SimContainer;
  actions: SimLifecycleAction[];
  /** Refused lifecycle calls that named a token the model never issued (archive replays). */
  strayRejections: string[];
  tags: Record<string, string>;
  /** The management host's agent lost its connection (world misconfiguration management-host-offline). */
  connectionLost?: boolean;
  /** The management host lacks the ActiveDirectory module (world misconfiguration ad-module-missing). */
  adModuleMissing?: boolean;
}

export interface SimInvocation {
  instanceId: string;
  status: string;
  statusDetails: string;
  responseCode: number;
  output: string;
  error: string;
  startAt: number;
  endAt: number;
}

export interface SimCommand {
  commandId: string;
  documentName: string;
  instanceIds: string[];
  parameters: Record<string, string[]>;
  requestedAt: number;
  timeoutSeconds: number;
  invocations: Map<string, SimInvocation>;
}

/** Something worth a progress line. */
export interface Observation {
  at: number;
  instanceId?: string;
  step: string;
  detail: string;
}
