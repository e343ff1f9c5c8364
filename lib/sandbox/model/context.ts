// The narrow views of the simulated account that the service models are handed: each model's context
// lists only what it uses (clock, random, observe, journal, instance lookup, ...). The account builds them.
import type { EventBridgeEvent, SQSEvent } from 'aws-lambda';
import type { Fleet } from '../../config/schema';
import type { Transition } from '../../workflow/types';
import type { EventKind } from '../chaos';
import type { EventContext } from '../events';
import type { Random } from '../random';
import type { Scheduler } from '../scheduler';
import type { World } from '../world';
import type { Directory } from './directory';
import type { Journal } from './journal';
import type { SimCommand, SimInstance } from './types';

/** The project's SSM documents, by the names the deployment (env) gives them. */
export interface DocumentNames {
  refreshWindows: string;
  refreshLinux: string;
  joinWindows: string;
  joinLinux: string;
  groupChange: string;
  listMembers: string;
  /** ssm/doctor-probe.yml: the doctor's read-only look at the management host (never sent by gmsa-ready's functions). */
  doctorProbe: string;
}

/** Where the account delivers what AWS would deliver to gmsa-ready's functions. */
export interface Targets {
  lifecycle(event: EventBridgeEvent<string, unknown>): Promise<void>;
  commandStatus(event: EventBridgeEvent<string, unknown>): Promise<void>;
  /** Return the ids of messages that failed (batchItemFailures); they are delivered again later. */
  wake(event: SQSEvent): Promise<string[]>;
  directory(event: SQSEvent): Promise<string[]>;
}

/** How a document's invocation ended. */
export interface Outcome {
  status: 'Success' | 'Failed' | 'TimedOut';
  statusDetails: string;
  responseCode: number;
  output: string;
  error?: string;
}

/** A document started on a host: how long it runs, and what it does to the world when it ends. */
export interface Execution {
  /** Seconds from start to the end of the invocation; undefined: it hangs until the command's timeout. */
  duration?: number;
  finish(): Outcome;
}

/** Virtual time: the only clock a model reads, and the only way it schedules what happens later. */
export type Clock = Pick<Scheduler, 'now' | 'at' | 'after'>;

/** A progress line about a host (undefined: the management host or the account itself). */
export type Observe = (instanceId: string | undefined, step: string, detail: string) => void;

/** An instance by id, as the account holds it. */
export type InstanceLookup = (instanceId: string) => SimInstance | undefined;

/** Which account and region ARNs and events name. */
export type Place = Pick<World, 'account' | 'region'>;

/** EventBridge towards gmsa-ready's functions: an event envelope, and delivery about a second later. */
export interface EventBus {
  context(): EventContext;
  deliver(kind: EventKind, label: string, deliver: () => Promise<void>): void;
}

export interface Ec2Context {
  instance: InstanceLookup;
}

export interface StorageContext {
  world: Pick<World, 'credentialSpecs' | 'secrets' | 'misconfigurations'>;
}

export interface EcsContext {
  clock: Pick<Clock, 'now'>;
  random: Pick<Random, 'hex'>;
  place: Place;
  clusters: string[];
  observe: Observe;
  journal: Pick<Journal, 'attributes' | 'containerStates'>;
  instance: InstanceLookup;
  directory: Pick<Directory, 'isMember'>;
}

/** A group's lifecycle hook for one transition as created, or undefined when the group has none. */
export interface HookSetup {
  name: string;
  heartbeatTimeout: number;
}

export interface HooksContext {
  clock: Pick<Clock, 'now' | 'at'>;
  /** The hook a fleet's group has for a transition (world misconfigurations remove or shorten it). */
  hook(fleet: Fleet | undefined, transition: Transition): HookSetup | undefined;
  random: Pick<Random, 'uuid'>;
  hookNames: { launch: string; terminate: string };
  events: EventBus;
  lifecycleTarget: Targets['lifecycle'];
  groupUuid(autoScalingGroupName: string): string;
  instance: InstanceLookup;
  journal: Pick<Journal, 'completions'>;
  observe: Observe;
  /** Instances gone without a lifecycle event, for the sandbox to check gmsa-ready notices. */
  killed: Set<string>;
  /** Auto Scaling finishes with the instance after its last lifecycle action. */
  shutDown(instance: SimInstance): void;
  /** A return to the warm pool ended: the instance is stopped, not terminated. */
  stopInPool(instance: SimInstance): void;
  /** Every instance, for DescribeAutoScalingInstances. */
  instances(): Iterable<SimInstance>;
}

export interface QueuesContext {
  clock: Pick<Clock, 'now' | 'after'>;
  random: Pick<Random, 'uuid'>;
  place: Place;
  urls: { wake: string; directory: string };
  targets: Pick<Targets, 'wake' | 'directory'>;
  observe: Observe;
}

/** What the project's documents touch when they run on a host. */
export interface DocumentsContext {
  clock: Pick<Clock, 'now'>;
  random: Pick<Random, 'chars'>;
  documents: DocumentNames;
  directory: Directory;
  journal: Pick<Journal, 'membership'>;
  observe: Observe;
  /** The join registered the host in the directory as NAME$. */
  createComputerAccount(instance: SimInstance, accountName: string, ou?: string): void;
  instanceByComputerAccount(accountName: string): SimInstance | undefined;
  /** The ECS agent computes its gMSA capability when it starts (aws-facts 6.5). */
  restartEcsAgent(instance: SimInstance): void;
  /** A secret's SecretString as the host's instance profile reads it (the self-managed join documents). */
  secretValue(arn: string): string | undefined;
}

export interface SsmContext {
  clock: Clock;
  random: Pick<Random, 'uuid'>;
  world: Pick<World, 'account' | 'region' | 'credentialSpecs' | 'misconfigurations'>;
  documents: DocumentNames;
  instance: InstanceLookup;
  commands: Map<string, SimCommand>;
  /** DescribeInstanceInformation's ComputerName: the FQDN once joined. */
  computerName(instance: SimInstance): string;
  journal: Pick<Journal, 'executions'>;
  observe: Observe;
  events: EventBus;
  commandStatusTarget: Targets['commandStatus'];
  /** What the command's document does on the host (lib/sandbox/model/documents.ts). */
  execute(command: SimCommand, instance: SimInstance): Execution;
}
