// Drives the pure core with plain values: fleets from config/example.yml, signals built by hand.
import { loadConfigFile } from '../../lib/config/file';
import { parseConfig } from '../../lib/config/load';
import type { Fleet } from '../../lib/config/schema';
import { decide } from '../../lib/workflow/decide';
import type { DirectoryIdentity } from '../../lib/workflow/group-output';
import type { Effect, EffectType, HostRecord, Signal } from '../../lib/workflow/types';
import { identityOf, resolveOutput } from '../support/identities';

export const config = loadConfigFile(new URL('../../config/example.yml', import.meta.url).pathname);
export const windows = config.fleets[0] as Fleet;
export const linux = config.fleets[1] as Fleet;
export const domainless = config.fleets[2] as Fleet;

export function fleetWith(base: Fleet, overrides: Record<string, unknown>): Fleet {
  const parsed = parseConfig({ fleets: [{ ...base, ...overrides }] });
  return parsed.fleets[0] as Fleet;
}

export const ID = 'i-0a1b2c3d4e5f60718';
export const TOKEN = '11111111-2222-3333-4444-555555555555';
export const TOKEN2 = '66666666-7777-8888-9999-000000000000';
export const T0 = 1_800_000_000;

export function lifecycle(
  transition: 'launch' | 'terminate',
  at = T0,
  extra: Partial<Extract<Signal, { type: 'lifecycle' }>> = {},
): Extract<Signal, { type: 'lifecycle' }> {
  return {
    type: 'lifecycle',
    at,
    transition,
    token: TOKEN,
    hookName: transition === 'launch' ? 'gmsa-launch' : 'gmsa-terminate',
    autoScalingGroupName: 'prod-ecs-win-orders',
    replay: false,
    ...extra,
  };
}

/** A host's record as it goes, plus what the last decision asked for. */
export class Host {
  record: HostRecord | undefined;
  effects: Effect[] = [];
  /** Every effect of every decision so far. */
  readonly all: Effect[] = [];
  changed = false;
  at = T0;

  constructor(
    readonly fleet: Fleet = windows,
    readonly instanceId = ID,
  ) {}

  send(signal: Signal): this {
    this.at = signal.at;
    const outcome = decide(this.record, signal, this.fleet, this.instanceId);
    this.record = outcome.record;
    this.effects = outcome.effects;
    this.all.push(...outcome.effects);
    this.changed = outcome.changed;
    return this;
  }

  /** Advance the clock by `seconds` and deliver a signal built for that time. */
  after(seconds: number, build: (at: number) => Signal): this {
    return this.send(build(this.at + seconds));
  }

  /** Advance the clock by `seconds` and deliver the wake the record's polling chain asked for. */
  wake(seconds: number): this {
    return this.after(seconds, (at) => ({ type: 'tick', at, wake: true, chain: this.record?.pollChain }));
  }

  now(build: (at: number) => Signal): this {
    return this.send(build(this.at));
  }

  /**
   * The resolve step as the shell answers it: the batched read is queued and sent, prints the account's
   * identity, and the store grants the claim. Starts right after identify.
   */
  resolve(identity: DirectoryIdentity = IDENTITY): this {
    return this.now(done('enqueueGroupChange'))
      .after(4, sent('resolve', RESOLVE_CMD))
      .after(6, status(RESOLVE_CMD, 'Success', resolveOutput(identity)))
      .now(claimed(identity));
  }

  get r(): HostRecord {
    if (!this.record) throw new Error('no record');
    return this.record;
  }

  of<T extends EffectType>(type: T): Extract<Effect, { type: T }>[] {
    return this.effects.filter((e): e is Extract<Effect, { type: T }> => e.type === type);
  }

  one<T extends EffectType>(type: T): Extract<Effect, { type: T }> {
    const found = this.of(type);
    if (found.length !== 1)
      throw new Error(`expected one ${type}, got ${found.length}: ${JSON.stringify(this.effects)}`);
    return found[0] as Extract<Effect, { type: T }>;
  }

  /** The workflow's own effects (metrics, logs, tags and wakes left out): what it asks AWS to do. */
  actions(): Effect[] {
    return this.effects.filter((e) => !['metric', 'log', 'tag', 'wake'].includes(e.type));
  }

  metrics(): { name: string; value: number; dimensions: Record<string, string> }[] {
    return this.of('metric').map((m) => ({ name: m.datum.name, value: m.datum.value, dimensions: m.datum.dimensions }));
  }
}

export const tick = (at: number): Signal => ({ type: 'tick', at });
export const agent =
  (online: boolean, computerName?: string, platformType = 'Windows') =>
  (at: number): Signal => ({ type: 'agent', at, online, computerName, platformType });
export const sent =
  (purpose: 'join' | 'refresh' | 'resolve' | 'authorize' | 'deauthorize' | 'undo', commandId: string) =>
  (at: number): Signal => ({ type: 'commandSent', at, purpose, commandId });
export const status =
  (commandId: string, s: Extract<Signal, { type: 'commandStatus' }>['status'], output?: string) =>
  (at: number): Signal => ({ type: 'commandStatus', at, commandId, status: s, output });
export const done =
  (effect: EffectType) =>
  (at: number): Signal => ({ type: 'done', at, effect });

/** The store's answer to claimIdentity (no holder: granted). */
export const claimed =
  (identity: DirectoryIdentity, holder?: Extract<Signal, { type: 'identityClaim' }>['holder']) =>
  (at: number): Signal => ({ type: 'identityClaim', at, identity, holder });

/** The account the example host's join creates: made 4 minutes after the launch, in the fleet's OU. */
export const IDENTITY = identityOf('EC2AMAZ-7Q2LK9D', 1105, { whenCreated: 1_800_000_000 + 240 });

/** The Linux example host's account (the join renamed it EC2AMAZ-AB12CD). */
export const LINUX_IDENTITY = identityOf('EC2AMAZ-AB12CD', 2001, { whenCreated: 1_800_000_000 + 120 });

export const RESOLVE_CMD = 'aaaaaaaa-0000-0000-0000-000000000006';
export const JOIN_CMD = 'aaaaaaaa-0000-0000-0000-000000000001';
export const AUTH_CMD = 'aaaaaaaa-0000-0000-0000-000000000002';
export const REFRESH_CMD = 'aaaaaaaa-0000-0000-0000-000000000003';
export const UNDO_CMD = 'aaaaaaaa-0000-0000-0000-000000000004';
export const DEAUTH_CMD = 'aaaaaaaa-0000-0000-0000-000000000005';

export const ARN = 'arn:aws:ecs:us-east-1:123456789012:container-instance/orders/0123456789abcdef0123456789abcdef';

export function inspected(
  opts: {
    registered?: boolean;
    capability?: string;
    status?: string;
    agentConnected?: boolean;
    specs?: Extract<Signal, { type: 'inspected' }>['credentialSpecs'];
  } = {},
) {
  return (at: number): Signal => ({
    type: 'inspected',
    at,
    containerInstance:
      opts.registered === false
        ? undefined
        : {
            arn: ARN,
            status: opts.status ?? 'ACTIVE',
            agentConnected: opts.agentConnected ?? true,
            attributes: ['ecs.os-type', opts.capability ?? 'ecs.capability.gmsa'],
            runningTasks: 0,
          },
    credentialSpecs: opts.specs ?? [
      { source: 'arn:aws:ssm:us-east-1:123456789012:parameter/gmsa/orders-api', valid: true, findings: [] },
    ],
  });
}

/** A Windows host launched, its SSM agent online outside the domain: the join has just been requested. */
export function booted(): Host {
  return new Host().send(lifecycle('launch')).after(60, agent(true, 'EC2AMAZ-7Q2LK9D.WORKGROUP'));
}

/** As booted(), with SendCommand's answer for the join recorded. */
export function joinSent(): Host {
  return booted().now(sent('join', JOIN_CMD));
}

/** Drives a Windows domain-joined launch to READY; returns the host. */
export function readyHost(fleet: Fleet = windows): Host {
  const h = new Host(fleet);
  h.send(lifecycle('launch'))
    .after(60, agent(true, 'EC2AMAZ-7Q2LK9D.WORKGROUP', fleet.platform === 'windows' ? 'Windows' : 'Linux'))
    .now(sent('join', JOIN_CMD))
    .after(240, status(JOIN_CMD, 'Success'))
    .now(agent(true, 'EC2AMAZ-7Q2LK9D.corp.example.com', fleet.platform === 'windows' ? 'Windows' : 'Linux'))
    .resolve()
    .now(done('enqueueGroupChange'))
    .after(6, sent('authorize', AUTH_CMD))
    .after(8, status(AUTH_CMD, 'Success', 'GMSA-READY-RESULT EC2AMAZ-7Q2LK9D$ ok'))
    .now(sent('refresh', REFRESH_CMD))
    .after(5, status(REFRESH_CMD, 'Success'))
    .now(
      inspected({ capability: fleet.mode === 'domainless' ? 'ecs.capability.gmsa-domainless' : 'ecs.capability.gmsa' }),
    )
    .now(done('putReadyAttribute'))
    .now(done('completeLifecycleAction'));
  return h;
}
