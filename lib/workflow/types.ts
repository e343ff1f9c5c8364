// The vocabulary of the workflow core: what a host's record holds, what can happen to it (signals)
// and what the core asks the shell to do (effects). Plain data only: no SDK types, no clock.
import type { DiscoveryLocations } from '../config/schema';
import type { Failure } from '../failures/classify';
import type { DirectoryIdentity } from './group-output';
import type { Holder } from './identity';

export type Platform = 'windows' | 'linux';
export type Mode = 'domain-joined' | 'domainless';
export type LifecycleResult = 'CONTINUE' | 'ABANDON';
export type Transition = 'launch' | 'terminate';
export type Place = 'EC2' | 'AutoScalingGroup' | 'WarmPool';

/** Where a record is. In-flight statuses carry a `step`; terminal ones keep the last step for history. */
export type Status =
  | 'LAUNCHING' // launch workflow in flight
  | 'READY' // joined, authorized, verified, attribute set, action completed CONTINUE
  | 'WARMED' // prepared for (or returned to) a warm pool; joined and authorized, not serving
  | 'FAILED' // launch failed; action completed with onLaunchFailure
  | 'TERMINATING' // terminate workflow in flight
  | 'CLEANUP_PENDING' // terminate action completed, directory cleanup still being retried
  | 'TERMINATED' // gone and clean
  // Adoption (adopt.ts): a host found InService with no record. It is never changed; READY when proven serving.
  | 'ADOPTING' // adoption in flight: identify, resolve, verify, ready
  | 'ADOPTED_NOT_JOINED' // SSM reports a name outside the fleet's domain (or one no join gives): left as it is
  | 'ADOPTED_NOT_IN_GROUP' // joined, account proven by objectSID, not a member of hostGroup: left as it is
  | 'ADOPTED_NOT_VERIFIED'; // joined and in the group (or domainless) but not proven serving; the reason says why

export const IN_FLIGHT: readonly Status[] = ['LAUNCHING', 'TERMINATING', 'CLEANUP_PENDING', 'ADOPTING'];

export type Step =
  | 'agent' // wait for the SSM agent to be Online
  | 'join' // AWS-JoinDirectoryServiceDomain
  | 'identify' // read the computer name the join produced
  | 'resolve' // read the account from the directory (management host) and check this join created it
  | 'authorize' // add NAME$ to hostGroup (batched on the management host)
  | 'refresh' // purge tickets / restart credentials-fetcher + ECS agent
  | 'verify' // credential specs + ECS registration and capability
  | 'ready' // put the ready attribute
  | 'complete' // CompleteLifecycleAction
  | 'undo' // failed launch: remove from the group again
  | 'drain' // terminate: DRAINING and wait for tasks to leave
  | 'deauthorize' // remove from hostGroup and delete the computer account
  | 'done';

export type CommandPurpose = 'join' | 'refresh' | 'resolve' | 'authorize' | 'deauthorize' | 'undo';

/** The lifecycle action this record is currently serving. */
export interface LifecycleAction {
  transition: Transition;
  hookName: string;
  /** Absent for an action the sweep started (its event never arrived): completed by instance id. */
  token?: string;
  autoScalingGroupName: string;
  origin?: Place;
  destination?: Place;
  /** Epoch seconds the action began: the event's time when it is plausible, else when it was received. */
  startedAt: number;
  /** The event's own time, for telling a stale event from a newer one. */
  eventAt?: number;
  /** Epoch seconds of the last heartbeat we recorded (or startedAt). */
  heartbeatAt: number;
  heartbeats: number;
  /** Set once the action is finished, by us or (ValidationError) by Auto Scaling. */
  result?: LifecycleResult | 'EXPIRED';
  completedAt?: number;
  /** True for an EventBridge archive replay (top-level `replay-name`). */
  replay?: boolean;
  /** What the instance refresh is doing (`ReplaceRootVolume`: the same instance id boots a fresh OS). */
  action?: string;
}

/** A Run Command the record is waiting on (or intends to send: commandId absent until SendCommand returned). */
export interface PendingCommand {
  purpose: CommandPurpose;
  commandId?: string;
  /** Instance the invocation runs on: the host itself, or the fleet's management host. */
  targetInstanceId: string;
  requestedAt: number;
  attempt: number;
  /** The directory invocation that won the right to send this group change (one sender per request). */
  claimId?: string;
  claimedAt?: number;
  /** SSM was already asked whether this request went out although its id never reached the record. */
  searched?: boolean;
  /** Reading the invocation's status failed (throttled): the next look reads it again, whatever its age. */
  unread?: boolean;
}

export interface HistoryEntry {
  at: number;
  step: Step;
  detail: string;
}

export interface HostRecord {
  instanceId: string;
  fleet: string;
  platform: Platform;
  mode: Mode;
  autoScalingGroupName: string;
  /** Which OS generation of the instance this record serves (absent: the first); see generation.ts. */
  generation?: number;
  /** Optimistic-lock counter: every write is conditional on the version read. */
  version: number;
  status: Status;
  step: Step;
  stepStartedAt: number;
  /** Commands requested in the current step, resends included, sends refused as throttled not (resets when the step changes). */
  attempts: number;
  /** When the reconciler (or a wake message) should look at this record next; absent when nothing is awaited. */
  nextCheckAt?: number;
  /**
   * The polling chain the record's wakes belong to (Decision.pollIn): the version of the write that started or
   * last renewed it. A wake carrying it is due whatever nextCheckAt says; absent when no chain polls.
   */
  pollChain?: number;
  lifecycle?: LifecycleAction;
  /** Launch actions superseded by a terminate, never to be completed. */
  cancelledTokens?: string[];
  /** Every lifecycle action this record has served (bounded): a late, retried or replayed event for one is ignored. */
  seenTokens?: string[];
  /** First lifecycle event time of the current launch, for time-to-ready. */
  launchStartedAt?: number;
  readyAt?: number;
  /** The NetBIOS name the join produced (without $). Terminate relies on it after the host is gone. */
  computerName?: string;
  /** Windows keeps its name through the join: the account a join will create, known before it runs. */
  expectedComputerName?: string;
  /** The FQDN SSM reported once the host was joined (lower-cased): the account's dNSHostName must say the same. */
  hostFqdn?: string;
  /**
   * The computer account as the directory describes it, checked at resolve (issue 13). Authorize adds this
   * objectSID; remove and delete act on it only while the object still has it. Absent: never proven ours.
   */
  identity?: DirectoryIdentity;
  joined: boolean;
  /** True from the moment an authorize command was requested until a deauthorize confirmed removal. */
  inGroup: boolean;
  /** The ready attribute is set on the container instance. */
  ready: boolean;
  containerInstanceArn?: string;
  /** UpdateContainerInstancesState DRAINING was accepted. */
  draining?: boolean;
  pending?: PendingCommand;
  /**
   * A join a cancelled launch had started: it may still create a computer account, so terminate waits for
   * its result (and the name it produced) before deciding what to clean up.
   */
  openJoin?: PendingCommand;
  /** A deauthorize whose outcome was never learned: asked about before a new one is sent (no second removal). */
  unconfirmed?: PendingCommand;
  /** What an adoption's resolve said about hostGroup membership, while the store answers the identity claim. */
  memberAtAdoption?: boolean;
  /** The launch step that failed for good; the action completes with the fleet's onLaunchFailure. */
  failedStep?: Step;
  /** Why it failed, classified (issue 15): the step, a documented code and the line that shows it. */
  failure?: Failure;
  /** Standalone tasks seen while draining: ECS does not drain them. */
  standaloneTasks?: number;
  cleanupAttempts: number;
  /** When the instance was known to be gone for good (terminated, or vanished). */
  terminatedAt?: number;
  /** When directory cleanup first became pending (for the oldest-pending gauge and its alarm). */
  cleanupSince?: number;
  reason: string | null;
  history: HistoryEntry[];
  createdAt: number;
  updatedAt: number;
}

// ---------------------------------------------------------------- signals

/** A classified AWS error: retryable (throttling, 5xx), gone (resource absent), denied, invalid (our request is bad). */
export type ErrorKind = 'retryable' | 'gone' | 'denied' | 'invalid';

export type CommandStatus =
  | 'Pending'
  | 'InProgress'
  | 'Delayed'
  | 'Success'
  | 'Cancelled'
  | 'TimedOut'
  | 'Failed'
  | 'Cancelling'
  | 'DeliveryTimedOut'
  | 'ExecutionTimedOut'
  | 'Undeliverable'
  | 'Terminated'
  | 'InvalidPlatform'
  | 'AccessDenied'
  /** GetCommandInvocation said InvocationDoesNotExist (normal right after SendCommand). */
  | 'NotFound';

export interface CredSpecFinding {
  severity: 'error' | 'warning';
  code: string;
  path: string;
  message: string;
}

export interface CredSpecCheck {
  source: string;
  valid: boolean;
  findings: CredSpecFinding[];
}

export interface ContainerInstanceView {
  arn: string;
  status: string;
  agentConnected: boolean;
  /** Attribute names (values ignored): capabilities and custom attributes. */
  attributes: string[];
  runningTasks: number;
}

export type Signal =
  /** An Auto Scaling lifecycle event (EventBridge), already parsed and matched to a fleet. */
  | {
      type: 'lifecycle';
      at: number;
      /** The event's `time` (epoch seconds). */
      eventAt?: number;
      transition: Transition;
      token: string;
      hookName: string;
      autoScalingGroupName: string;
      origin?: Place;
      destination?: Place;
      /** `detail.Action`, e.g. ReplaceRootVolume on an instance refresh. */
      action?: string;
      replay: boolean;
    }
  /** The reconciler's sweep saw the instance in this Auto Scaling lifecycle state (DescribeAutoScalingInstances). */
  | { type: 'groupState'; at: number; state: string; autoScalingGroupName: string }
  /** Time passed: a reconciler tick, or (wake) a delayed wake message the record asked for, of polling `chain`. */
  | { type: 'tick'; at: number; wake?: boolean; chain?: number }
  /** DescribeInstanceInformation for the host. */
  | { type: 'agent'; at: number; online: boolean; computerName?: string; platformType?: string }
  /** A directory invocation asks to be the one that sends this host's queued group change. */
  | { type: 'claim'; at: number; purpose: CommandPurpose; claimId: string }
  /** SendCommand returned (for batched group changes: the batch function sends it). */
  | { type: 'commandSent'; at: number; purpose: CommandPurpose; commandId: string }
  /** Commands of this purpose SSM holds for the target since the request, newest first (ListCommands). */
  | { type: 'commandsFound'; at: number; purpose: CommandPurpose; commandIds: string[] }
  /** A command invocation's status (from GetCommandInvocation, after a status event or a reconciler poll). */
  | {
      type: 'commandStatus';
      at: number;
      commandId: string;
      /** From the command index: lets a record adopt a command whose SendCommand answer it never saw. */
      purpose?: CommandPurpose;
      status: CommandStatus;
      output?: string;
      /**
       * A failed invocation's output to classify: StandardErrorContent then StandardOutputContent, each bounded,
       * control characters stripped and secrets redacted by the shell (lib/failures/command-output.ts).
       */
      errorOutput?: string;
    }
  /** What verify learned: the container instance (absent when not registered) and every credential spec check. */
  | { type: 'inspected'; at: number; containerInstance?: ContainerInstanceView; credentialSpecs: CredSpecCheck[] }
  /** The container instance as seen while draining (absent: none is registered any more). */
  | { type: 'drainStatus'; at: number; containerInstance?: ContainerInstanceView; standaloneTasks: number }
  /** The store's answer to claimIdentity: no holder means the objectSID is now this record's. */
  | { type: 'identityClaim'; at: number; identity: DirectoryIdentity; holder?: Holder }
  /** The scavenger found this terminated host's account still in the host group. */
  | { type: 'strayMember'; at: number }
  /** EC2 says the instance is terminated or no longer exists (reconciler). */
  | { type: 'instanceGone'; at: number; state: string }
  /** An effect succeeded with nothing to report. */
  | { type: 'done'; at: number; effect: Effect['type'] }
  /** CompleteLifecycleAction/RecordLifecycleActionHeartbeat said no active action: it is already finished. */
  | { type: 'actionGone'; at: number; effect: 'completeLifecycleAction' | 'recordHeartbeat' }
  /** An effect failed; the core decides what that means. */
  | { type: 'failed'; at: number; effect: Effect['type']; kind: ErrorKind; message: string };

// ---------------------------------------------------------------- effects

export interface GroupChange {
  instanceId: string;
  fleet: string;
  managementInstanceId: string;
  domainName: string;
  hostGroup: string;
  /** sAMAccountName, NAME$ */
  computerAccount: string;
  /** The recorded objectSID the change acts on; absent for resolve (and for records older than identities). */
  objectSid?: string;
  /** resolve: read the account only; delete: the account only (the host is already out of the group). */
  action: 'resolve' | 'add' | 'remove' | 'delete';
  deleteComputerAccount: boolean;
  purpose: 'resolve' | 'authorize' | 'deauthorize' | 'undo';
}

export interface MetricDatum {
  name: string;
  unit: 'Count' | 'Seconds';
  value: number;
  /** Always includes Fleet; Step where useful. */
  dimensions: Record<string, string>;
}

export type Effect =
  | { type: 'describeAgent'; instanceId: string }
  | {
      type: 'sendCommand';
      purpose: 'join' | 'refresh';
      /**
       * 'join' → AWS-JoinDirectoryServiceDomain, or with selfManagedJoin the project's join document for the
       * platform; 'refresh' → the project's refresh document for the platform.
       */
      platform: Platform;
      instanceId: string;
      parameters: Record<string, string[]>;
      timeoutSeconds: number;
      selfManagedJoin?: true;
    }
  /** Claim the objectSID for this record in the store (one record per account); answered by identityClaim. */
  | { type: 'claimIdentity'; identity: DirectoryIdentity; replacing?: string }
  /** Batched on the management host by the directory function; it answers each record with commandSent. */
  | { type: 'enqueueGroupChange'; change: GroupChange }
  | { type: 'getCommandInvocation'; commandId: string; instanceId: string }
  /**
   * Before resending a command whose id never reached the record: did SSM get it? (ListCommands on the target
   * since the request, this purpose's document; for a group change, one naming this computer account.)
   */
  | {
      type: 'findCommand';
      purpose: CommandPurpose;
      platform: Platform;
      instanceId: string;
      after: number;
      computerAccount?: string;
      /** A join of a self-managed directory: look for the project's join document. */
      selfManagedJoin?: true;
    }
  | {
      type: 'inspect';
      cluster: string;
      instanceId: string;
      credentialSpecs: string[];
      directoryName: string;
      platform: Platform;
      mode: Mode;
      discover: boolean;
      /** Where discovered specs may be read from (the fleet's discoveredSpecLocations); none when absent. */
      discoveryLocations?: DiscoveryLocations;
      taskExecutionRoleArn?: string;
    }
  | { type: 'putReadyAttribute'; cluster: string; containerInstanceArn: string; name: string }
  | { type: 'deleteReadyAttribute'; cluster: string; containerInstanceArn: string; name: string }
  | { type: 'drain'; cluster: string; containerInstanceArn: string }
  | { type: 'inspectDrain'; cluster: string; instanceId: string; containerInstanceArn?: string }
  | {
      type: 'completeLifecycleAction';
      autoScalingGroupName: string;
      hookName: string;
      /** Absent: by instance id (an action the sweep started; CompleteLifecycleAction takes either). */
      token?: string;
      instanceId: string;
      result: LifecycleResult;
    }
  | { type: 'recordHeartbeat'; autoScalingGroupName: string; hookName: string; token?: string; instanceId: string }
  /** Delayed continuation: deliver a tick for this instance after the delay (SQS DelaySeconds, max 900). */
  | { type: 'wake'; instanceId: string; delaySeconds: number; chain?: number }
  /** gmsa-ready:status / gmsa-ready:reason tags on the instance (best effort). */
  | { type: 'tag'; instanceId: string; status: string; reason: string | null }
  | { type: 'metric'; datum: MetricDatum }
  /** A structured log line for people (failures, rejected events, reports). */
  | { type: 'log'; level: 'info' | 'warn' | 'error'; message: string; fields: Record<string, unknown> };

export type EffectType = Effect['type'];

/**
 * Effects that only read AWS (SSM agents and invocations, ECS container instances and tasks, credential specs):
 * repeating one changes nothing, so it may run before the record that asked for it is written, and a lost race
 * may run it again. Everything else claims work (a command, a queue message, an ECS, Auto Scaling or store write).
 */
export const READ_EFFECTS: ReadonlySet<EffectType> = new Set([
  'describeAgent',
  'getCommandInvocation',
  'findCommand',
  'inspect',
  'inspectDrain',
]);
