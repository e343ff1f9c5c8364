// The simulated AWS account: instances and their agents, the directory, and the services gmsa-ready
// calls. It owns the state and hands each service model a narrow context (model/context.ts) of what it
// uses. Time comes only from the scheduler; everything a host does is a scheduled job.
import type { Fleet } from '../../config/schema';
import { gmsaNamesIn } from '../../doctor/probe-output';
import type { Platform, Transition } from '../../workflow/types';
import type { Chaos, EventKind } from '../chaos';
import type { EventContext } from '../events';
import type { Random } from '../random';
import type { Scheduler } from '../scheduler';
import { timings } from '../timings';
import type { World, WorldInstance } from '../world';
import { WINDOWS_NAME_ALPHABET } from './constants';
import type { DocumentNames, DocumentsContext, EventBus, HookSetup, Observe, Targets } from './context';
import { Directory } from './directory';
import { execute } from './documents';
import { Ec2 } from './ec2';
import { Ecs } from './ecs';
import { DEFAULT_HEARTBEAT_TIMEOUT, Hooks } from './hooks';
import { Journal } from './journal';
import { misconfigured, mismatchedTimeout } from './misconfigurations';
import { Queues } from './queues';
import { Ssm } from './ssm';
import { Storage } from './storage';
import type { Observation, SimCommand, SimInstance } from './types';

export interface AccountOptions {
  world: World;
  scheduler: Scheduler;
  random: Random;
  documents: DocumentNames;
  queueUrls: { wake: string; directory: string };
  targets: Targets;
  chaos?: Chaos;
  observe?: (observation: Observation) => void;
  hookNames?: { launch: string; terminate: string };
  /** When a launch asked for at `now` may boot (EC2's instance-launch tokens, lib/sandbox/quotas.ts); absent: at once. */
  launchAt?: (now: number) => number;
}

export class Account {
  readonly world: World;
  readonly scheduler: Scheduler;
  readonly random: Random;
  readonly targets: Targets;
  readonly documents: DocumentNames;
  readonly chaos?: Chaos;
  readonly hookNames: { launch: string; terminate: string };
  readonly directory: Directory;
  readonly instances = new Map<string, SimInstance>();
  readonly commands = new Map<string, SimCommand>();
  /** SDK calls by API (`ssm:SendCommand`), for the report and the benchmark. */
  readonly calls: Record<string, number> = {};
  /** Instances that vanished without a lifecycle event: gmsa-ready has yet to notice (the sandbox checks). */
  readonly killed = new Set<string>();
  /** What happened, in order, for the invariants. */
  readonly journal = new Journal();
  readonly ssm: Ssm;
  readonly ecs: Ecs;
  readonly hooks: Hooks;
  readonly queues: Queues;
  readonly ec2: Ec2;
  readonly storage: Storage;
  private readonly fleetsByGroup = new Map<string, Fleet>();
  private readonly byComputerAccount = new Map<string, SimInstance>();
  private readonly groupUuids = new Map<string, string>();
  private readonly observer?: (observation: Observation) => void;
  private readonly launchAt?: (now: number) => number;

  constructor(options: AccountOptions) {
    this.world = options.world;
    this.scheduler = options.scheduler;
    this.random = options.random;
    this.targets = options.targets;
    this.documents = options.documents;
    this.chaos = options.chaos;
    this.observer = options.observe;
    this.launchAt = options.launchAt;
    this.hookNames = options.hookNames ?? { launch: 'gmsa-ready-launch', terminate: 'gmsa-ready-terminate' };
    // The world's computers exist long before any launch: a host naming one is refused (whenCreated).
    const existingSince = this.scheduler.now() - 365 * 86_400;
    this.directory = new Directory(
      this.world.directory.id,
      this.world.directory.name,
      this.world.directory,
      existingSince,
    );
    for (const fleet of this.world.fleets) {
      for (const group of fleet.autoScalingGroups) this.fleetsByGroup.set(group, fleet);
      if (fleet.hostGroup && !misconfigured(this.world, 'host-group-missing', fleet.name))
        this.directory.ensureGroup(fleet.hostGroup);
      if (fleet.managementInstanceId && !this.instances.has(fleet.managementInstanceId))
        this.addManagementHost(fleet.managementInstanceId);
      const management = fleet.managementInstanceId ? this.instances.get(fleet.managementInstanceId) : undefined;
      if (management && misconfigured(this.world, 'management-host-offline', fleet.name))
        management.connectionLost = true;
      if (management && misconfigured(this.world, 'ad-module-missing', fleet.name)) management.adModuleMissing = true;
    }
    this.addGmsas();
    for (const instance of this.world.instances) this.addInstance(instance);

    // What the models share, each handed over as narrowly as it is used.
    const { world, scheduler: clock, random, journal, directory } = this;
    const place = { account: world.account, region: world.region };
    const instance = (id: string) => this.instances.get(id);
    const observe: Observe = (instanceId, step, detail) => this.observe(instanceId, step, detail);
    const events: EventBus = {
      context: () => this.eventContext(),
      deliver: (kind, label, deliver) => this.deliverEvent(kind, label, deliver),
    };
    const documentsContext: DocumentsContext = {
      clock,
      random,
      documents: this.documents,
      directory,
      journal,
      observe,
      createComputerAccount: (host, accountName, ou) => this.createComputerAccount(host, accountName, ou),
      instanceByComputerAccount: (accountName) => this.instanceByComputerAccount(accountName),
      restartEcsAgent: (host) => this.restartEcsAgent(host),
      secretValue: (arn) => world.secretValues[arn],
    };
    this.ssm = new Ssm({
      clock,
      random,
      world,
      documents: this.documents,
      instance,
      commands: this.commands,
      computerName: (host) => this.computerName(host),
      journal,
      observe,
      events,
      commandStatusTarget: (event) => this.targets.commandStatus(event),
      execute: (command, host) => execute(documentsContext, command, host),
    });
    this.ecs = new Ecs({
      clock,
      random,
      place,
      clusters: world.fleets.map((fleet) => fleet.cluster),
      observe,
      journal,
      instance,
      directory,
    });
    this.hooks = new Hooks({
      clock,
      hook: (fleet, transition) => this.hookSetup(fleet, transition),
      random,
      hookNames: this.hookNames,
      events,
      lifecycleTarget: (event) => this.targets.lifecycle(event),
      groupUuid: (group) => this.groupUuid(group),
      instance,
      journal,
      observe,
      killed: this.killed,
      shutDown: (host) => this.shutDown(host),
      stopInPool: (host) => this.stopInPool(host),
      instances: () => this.instances.values(),
    });
    this.queues = new Queues({
      clock,
      random,
      place,
      urls: options.queueUrls,
      targets: { wake: (event) => this.targets.wake(event), directory: (event) => this.targets.directory(event) },
      observe,
    });
    this.ec2 = new Ec2({ instance });
    this.storage = new Storage({ world });
    for (const spec of this.world.instances) {
      const host = this.instances.get(spec.instanceId);
      if (spec.running && host) this.alreadyRunning(host, existingSince);
    }
  }

  /**
   * World `running` (issue 11): the host has been InService since before the world started, as a host
   * deployed before gmsa-ready (or whose record was lost) is: booted, its agent online, joined with its
   * account in the directory and a direct member of the fleet's hostGroup (no membership change is journaled:
   * it predates the run), its container instance registered by an agent that started joined. A Linux host
   * carries the name its join gave it (EC2AMAZ- + 6, aws-facts 4.7). No lifecycle action is open.
   */
  private alreadyRunning(instance: SimInstance, existingSince: number): void {
    const fleet = instance.fleet;
    instance.running = true;
    instance.state = 'running';
    instance.inService = true;
    instance.launchedAt = this.now();
    instance.agentOnline = !instance.faults.has('agent-never-online');
    if (fleet?.mode === 'domain-joined') {
      if (instance.platform === 'linux' && !/^EC2AMAZ-/.test(instance.hostname))
        instance.hostname = `EC2AMAZ-${this.random.chars(6, WINDOWS_NAME_ALPHABET)}`;
      const accountName = `${this.netbiosName(instance)}$`;
      const computer =
        this.directory.computer(accountName) ??
        this.directory.addComputer(accountName, {
          whenCreated: existingSince,
          // Joined by the fleet's own join, so in its OU (a computer the world lists is where the world put it).
          container: fleet.directory.ou,
          dNSHostName: `${instance.hostname}.${this.directory.name}`.toLowerCase(),
        });
      instance.joined = true;
      instance.accountName = computer.name;
      this.byComputerAccount.set(computer.name.toUpperCase(), instance);
      if (fleet.hostGroup) this.directory.addMember(fleet.hostGroup, computer.objectSid);
    }
    this.observe(
      instance.instanceId,
      'running',
      `${instance.platform} host ${instance.hostname} in service before the world started`,
    );
    if (!instance.faults.has('ecs-never-registers')) this.ecs.register(instance);
  }

  now(): number {
    return this.scheduler.now();
  }

  /**
   * The hook a fleet's groups have for a transition: the configured one, unless the world's misconfigurations
   * removed it or created it with a short HeartbeatTimeout. A group no fleet owns (replay) gets the default.
   */
  hookSetup(fleet: Fleet | undefined, transition: Transition): HookSetup | undefined {
    if (!fleet) return { name: this.hookNames[transition], heartbeatTimeout: DEFAULT_HEARTBEAT_TIMEOUT };
    const name = transition === 'launch' ? fleet.launchHookName : fleet.terminateHookName;
    if (misconfigured(this.world, `${transition}-hook-missing`, fleet.name)) return undefined;
    const mismatched = misconfigured(this.world, 'hook-timeout-mismatch', fleet.name);
    return { name, heartbeatTimeout: mismatched ? mismatchedTimeout(fleet) : fleet.heartbeatTimeoutSeconds };
  }

  eventContext(): EventContext {
    return { account: this.world.account, region: this.world.region, id: this.random.uuid(), at: this.now() };
  }

  observe(instanceId: string | undefined, step: string, detail: string): void {
    this.observer?.({ at: this.scheduler.elapsed(), instanceId, step, detail });
  }

  count(api: string): void {
    this.calls[api] = (this.calls[api] ?? 0) + 1;
  }

  /** EventBridge delivery to a target: about a second later, through chaos when it is on. */
  deliverEvent(kind: EventKind, label: string, deliver: () => Promise<void>): void {
    for (const extra of this.chaos?.deliveries(kind) ?? [0])
      this.scheduler.after(timings.eventDelivery + extra, label, deliver);
  }

  fleetFor(autoScalingGroupName: string): Fleet | undefined {
    return this.fleetsByGroup.get(autoScalingGroupName);
  }

  groupUuid(autoScalingGroupName: string): string {
    let uuid = this.groupUuids.get(autoScalingGroupName);
    if (!uuid) {
      uuid = this.random.uuid();
      this.groupUuids.set(autoScalingGroupName, uuid);
    }
    return uuid;
  }

  /** A world instance, or one an event names (replay) in a group some fleet owns. */
  addInstance(spec: WorldInstance): SimInstance {
    const fleet = this.fleetFor(spec.autoScalingGroupName);
    const platform: Platform = spec.platform ?? fleet?.platform ?? 'windows';
    const instance: SimInstance = {
      instanceId: spec.instanceId,
      autoScalingGroupName: spec.autoScalingGroupName,
      fleet,
      platform,
      hostname: spec.hostname ?? this.defaultHostname(platform, spec.instanceId),
      reportsComputerName: spec.reportsComputerName,
      faults: new Set(spec.faults),
      joinError: spec.joinError,
      management: false,
      state: 'pending',
      inService: false,
      agentOnline: false,
      joined: false,
      ecsAgentSawJoin: false,
      actions: [],
      strayRejections: [],
      tags: {},
    };
    this.instances.set(instance.instanceId, instance);
    return instance;
  }

  /**
   * The gMSAs the fleets' credential specs name exist, each letting the fleets' host groups retrieve its
   * password (aws-facts 8.3), unless host-group-not-allowed-to-retrieve-gmsa leaves a fleet's group out; the
   * domain has a KDS root key unless kds-root-key-missing.
   */
  private addGmsas(): void {
    this.directory.kdsRootKey = !misconfigured(this.world, 'kds-root-key-missing');
    for (const fleet of this.world.fleets)
      for (const arn of fleet.credentialSpecs) {
        const spec = this.world.credentialSpecs[arn];
        if (spec === undefined) continue;
        const allowed =
          fleet.hostGroup && !misconfigured(this.world, 'host-group-not-allowed-to-retrieve-gmsa', fleet.name)
            ? [fleet.hostGroup]
            : [];
        for (const name of gmsaNamesIn(typeof spec === 'string' ? spec : JSON.stringify(spec)))
          this.directory.addGmsa(name, allowed);
      }
  }

  private addManagementHost(instanceId: string): void {
    this.instances.set(instanceId, {
      instanceId,
      platform: 'windows',
      hostname: `MGMT-${instanceId.slice(-6).toUpperCase()}`,
      faults: new Set(),
      management: true,
      state: 'running',
      inService: true,
      launchedAt: this.now(),
      agentOnline: true,
      joined: true,
      ecsAgentSawJoin: true,
      actions: [],
      strayRejections: [],
      tags: {},
    });
  }

  /**
   * Windows AMIs name hosts EC2AMAZ- + 7 characters; Linux hosts start with an IP name, which can be too long
   * for NetBIOS (aws-facts 8.1). The model's IP names are derived from the instance id, not a real address.
   */
  private defaultHostname(platform: Platform, instanceId: string): string {
    if (platform === 'windows') return `EC2AMAZ-${this.random.chars(7, WINDOWS_NAME_ALPHABET)}`;
    return `ip-10-0-${parseInt(instanceId.slice(-4), 16) % 250}-${parseInt(instanceId.slice(-2), 16) % 250}`;
  }

  /** NetBIOS name of the host, truncated to 15 characters: what the join registers as NAME$ (aws-facts 8.1). */
  netbiosName(instance: SimInstance): string {
    return instance.hostname.slice(0, 15).toUpperCase();
  }

  /**
   * DescribeInstanceInformation's ComputerName: the FQDN once joined (aws-facts 4.4). It is the host's own
   * report (the SSM agent reads it on the host), so a host with `reportsComputerName` reports that name instead.
   */
  computerName(instance: SimInstance): string {
    const name = instance.reportsComputerName ?? instance.hostname;
    return instance.joined ? `${name}.${this.directory.name}` : name;
  }

  /** The join registered the host in the directory as NAME$, in the OU it named (or CN=Computers). */
  createComputerAccount(instance: SimInstance, accountName: string, ou?: string): void {
    this.directory.addComputer(accountName, {
      whenCreated: this.now(),
      container: ou,
      // The join writes the host's own FQDN (a Windows join, adcli on Linux), whatever the host reports to SSM.
      dNSHostName: `${instance.hostname}.${this.directory.name}`.toLowerCase(),
    });
    instance.accountName = accountName;
    this.byComputerAccount.set(accountName.toUpperCase(), instance);
  }

  instanceByComputerAccount(accountName: string): SimInstance | undefined {
    return this.byComputerAccount.get(accountName.toUpperCase());
  }

  // ---------------------------------------------------------------- what hosts do on their own

  /**
   * Scale-out: the instance boots into Pending:Wait and the launch hook fires, once EC2 admits the launch
   * (`launchAt`: past its burst of instance-launch tokens, a launch waits for the next one).
   */
  launch(instanceId: string, admitted = false): void {
    const instance = this.instances.get(instanceId);
    if (instance?.state === 'stopped') return this.launchFromPool(instance);
    if (instance?.state !== 'pending') return;
    const at = admitted || !this.launchAt ? this.now() : this.launchAt(this.now());
    if (at > this.now()) {
      this.observe(instanceId, 'launch', `waits ${Math.round(at - this.now())} s for EC2 instance-launch capacity`);
      this.scheduler.at(at, `launch ${instanceId}`, () => this.launch(instanceId, true));
      return;
    }
    this.boot(instance);
    this.hooks.start(instance, 'launch');
  }

  /**
   * The instance starts; its SSM agent comes online a minute later (unless it never does), and ECS registers
   * it after that. Both delays are guesses (timings.ts); only their order matters.
   */
  boot(instance: SimInstance): void {
    instance.state = 'running';
    instance.launchedAt = this.now();
    this.observe(
      instance.instanceId,
      'launch',
      `${instance.platform} host ${instance.hostname} boots in ${instance.autoScalingGroupName}`,
    );
    if (!instance.faults.has('agent-never-online'))
      this.scheduler.after(timings.agentOnline, `agent online ${instance.instanceId}`, () =>
        this.agentOnline(instance),
      );
  }

  /**
   * Scale-out from the warm pool: the stopped instance starts again and the launch hook fires with Origin
   * WarmPool, Destination AutoScalingGroup, in Pending:Wait (aws-facts 1.3). It is still joined; its agent
   * comes online as at a first boot, and its ECS agent registers a container instance again (no source says
   * whether the one drained before the stop comes back ACTIVE: the model registers afresh).
   */
  private launchFromPool(instance: SimInstance): void {
    this.observe(instance.instanceId, 'warm pool', 'leaves the warm pool');
    this.boot(instance);
    this.hooks.start(instance, 'launch', { origin: 'WarmPool', destination: 'AutoScalingGroup' });
  }

  /**
   * Scale-in to the warm pool (world scenario `toWarmPool`): the terminate hook fires with Origin
   * AutoScalingGroup, Destination WarmPool, the instance waiting in Warmed:Pending:Wait (aws-facts 1.3).
   */
  returnToWarmPool(instanceId: string): void {
    const instance = this.instances.get(instanceId);
    if (instance?.state !== 'running' || !instance.inService) {
      this.observe(instanceId, 'warm pool', 'not in service: no return to the warm pool');
      return;
    }
    instance.inService = false;
    this.observe(instanceId, 'warm pool', 'scale-in returns the instance to the warm pool');
    this.hooks.start(instance, 'terminate', { origin: 'AutoScalingGroup', destination: 'WarmPool' });
  }

  /**
   * The return to the pool ended: the instance is stopped (Warmed:Stopped), not terminated. It stays joined;
   * its computer account and group membership stay. A stopped warmed instance has no running SSM agent
   * (aws-facts 1.3); its container instance is left INACTIVE (the model's choice, see launchFromPool).
   */
  stopInPool(instance: SimInstance): void {
    instance.state = 'stopped';
    instance.inService = false;
    instance.agentOnline = false;
    if (instance.container) {
      instance.container.status = 'INACTIVE';
      instance.container.agentConnected = false;
    }
    this.observe(instance.instanceId, 'warm pool', 'stopped in the warm pool: account and membership kept');
  }

  /** Scale-in: the terminate hook fires for an instance that is still running. */
  terminate(instanceId: string): void {
    const instance = this.instances.get(instanceId);
    if (instance?.state !== 'running') {
      this.observe(instanceId, 'terminate', 'not running: no terminate lifecycle action');
      return;
    }
    instance.inService = false;
    this.observe(instanceId, 'terminate', 'scale-in selects the instance');
    this.hooks.start(instance, 'terminate');
  }

  /** Gone with no lifecycle event (spot reclaim, console terminate; hooks do not hold those, aws-facts 1.5). */
  kill(instanceId: string): void {
    const instance = this.instances.get(instanceId);
    if (!instance || instance.state === 'terminated') return;
    this.observe(instanceId, 'kill', 'terminated without a lifecycle event');
    this.killed.add(instanceId);
    this.hooks.dropActive(instance);
    this.stop(instance);
  }

  /** Auto Scaling finishes with the instance after its last lifecycle action. */
  shutDown(instance: SimInstance): void {
    instance.state = 'shutting-down';
    instance.inService = false;
    this.scheduler.after(timings.shutdown, `shutdown ${instance.instanceId}`, () => this.stop(instance));
  }

  private stop(instance: SimInstance): void {
    instance.state = 'terminated';
    instance.inService = false;
    instance.agentOnline = false;
    if (instance.container) {
      instance.container.status = 'INACTIVE';
      instance.container.agentConnected = false;
    }
    this.observe(instance.instanceId, 'gone', 'instance terminated');
  }

  private agentOnline(instance: SimInstance): void {
    if (instance.state !== 'running') return;
    instance.agentOnline = true;
    this.observe(instance.instanceId, 'agent', 'SSM agent online');
    if (instance.fleet && !instance.faults.has('ecs-never-registers'))
      this.scheduler.after(timings.ecsRegister, `ecs register ${instance.instanceId}`, () =>
        this.ecs.register(instance),
      );
  }

  /** The ECS agent computes its gMSA capability when it starts (aws-facts 6.5). */
  restartEcsAgent(instance: SimInstance): void {
    instance.ecsAgentSawJoin = instance.joined;
    if (instance.container) this.ecs.refreshCapabilities(instance, instance.container);
  }
}
