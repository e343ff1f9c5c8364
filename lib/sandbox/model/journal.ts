// An append-only log of what the simulated account saw happen, with virtual times: the evidence the
// invariants (lib/sandbox/invariants.ts) are checked against. The model only appends; nothing here decides.
import type { LifecycleResult } from '../../workflow/types';
import type { Ec2State } from './types';

/** A CompleteLifecycleAction that reached Auto Scaling (injected throttling never does), accepted or refused. */
export interface CompletionCall {
  at: number;
  instanceId: string;
  token: string;
  result: string;
  accepted: boolean;
}

/** One name of a GroupChange run on the management host, as the directory answered it. */
export interface MembershipChange {
  at: number;
  commandId: string;
  group: string;
  account: string;
  action: 'add' | 'remove';
  /** The name's line said ok (Add-/Remove-ADGroupMember did not throw). */
  ok: boolean;
  /** The membership actually changed (adding a member or removing a non-member changes nothing). */
  changed: boolean;
  computerDeleted: boolean;
  /** The host that owns the account, if the model knows it, and its state then. */
  instanceId?: string;
  hostState?: Ec2State;
  hostJoined?: boolean;
}

/** The host as verification would have seen it when an attribute was put. */
export interface HostSnapshot {
  state: Ec2State;
  joined: boolean;
  /** Its computer account is a member of its fleet's hostGroup. */
  inHostGroup: boolean;
  containerStatus: string;
  agentConnected: boolean;
  capabilities: string[];
}

export interface AttributeChange {
  at: number;
  instanceId: string;
  name: string;
  change: 'put' | 'delete';
  host: HostSnapshot;
}

export interface ContainerStateChange {
  at: number;
  instanceId: string;
  status: string;
  /** Custom attributes still on the container instance at that moment. */
  attributes: string[];
}

/** A Run Command invocation that reached a terminal status. */
export interface Execution {
  at: number;
  commandId: string;
  documentName: string;
  /** Where it ran: the host, or the management host for group changes. */
  targetInstanceId: string;
  parameters: Record<string, string[]>;
  status: string;
  statusDetails: string;
  /** False when the document never started (delivery timed out, host gone): provably no effect. */
  ran: boolean;
  output: string;
}

/** A host record write dynalite accepted (conditional on the previous version). */
export interface RecordWrite {
  at: number;
  instanceId: string;
  version: number;
  status: string;
  step: string;
  token?: string;
  lifecycleResult?: LifecycleResult | 'EXPIRED';
  failedStep?: string;
  computerName?: string;
}

export class Journal {
  readonly completions: CompletionCall[] = [];
  readonly membership: MembershipChange[] = [];
  readonly attributes: AttributeChange[] = [];
  readonly containerStates: ContainerStateChange[] = [];
  readonly executions: Execution[] = [];
  readonly writes: RecordWrite[] = [];
}
