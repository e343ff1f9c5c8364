// Small worlds built from a plan (fleets, instances, what happens to each, chaos), for the property test,
// the chaos tests and the log-secrets test. Every world passes the real world schema.

import type { Report } from '../../lib/sandbox/report';
import { Sandbox } from '../../lib/sandbox/sandbox';
import { type FAULTS, parseWorld, type World } from '../../lib/sandbox/world';

export const ACCOUNT = '123456789012';
export const MANAGEMENT_HOST = 'i-0123456789abcdef0';
export const DOMAIN = 'corp.example.com';
export const SECRET_ARN = `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:gmsa-domainless-user-AbCdEf`;

export interface FleetPlan {
  platform: 'windows' | 'linux';
  mode: 'domain-joined' | 'domainless';
  onLaunchFailure: 'ABANDON' | 'CONTINUE';
  deleteComputerAccount: boolean;
  heartbeatTimeoutSeconds: number;
}

export interface InstancePlan {
  fleet: number;
  fault?: (typeof FAULTS)[number];
  launchAt: number;
  /** What ends the host, seconds after its launch: a scale-in (terminate hook) or a kill (no event). */
  end?: { kind: 'terminate' | 'kill'; after: number };
}

export interface ChaosPlan {
  seed: number;
  duplicateEvents: number;
  dropStatusEvents: number;
  reorderEvents: boolean;
  throttle: number;
  apiErrors: number;
}

export interface WorldPlan {
  fleets: FleetPlan[];
  instances: InstancePlan[];
  chaos?: ChaosPlan;
  /** Directory OU, a SendCommand parameter (the log-secrets test plants a marker in it). */
  ou?: string;
}

const specArn = (fleet: number) => `arn:aws:ssm:us-east-1:${ACCOUNT}:parameter/gmsa/fleet${fleet}`;
export const instanceId = (index: number) => `i-0${(index + 1).toString(16).padStart(16, '0')}`;

/** A credential spec for the fleet's mode and platform (domainless: PluginInput in that platform's dialect). */
export function credentialSpec(fleet: FleetPlan, index: number): Record<string, unknown> {
  const account = `Svc${index}`;
  const pluginInput =
    fleet.platform === 'windows' ? JSON.stringify({ credentialArn: SECRET_ARN }) : { CredentialArn: SECRET_ARN };
  return {
    CmsPlugins: ['ActiveDirectory'],
    DomainJoinConfig: {
      Sid: 'S-1-5-21-702590844-1001920913-2680819671',
      MachineAccountName: account,
      Guid: '56d9b66c-d746-4f87-bd26-26760cfdca2e',
      DnsTreeName: DOMAIN,
      DnsName: DOMAIN,
      NetBiosName: 'CORP',
    },
    ActiveDirectoryConfig: {
      GroupManagedServiceAccounts: [
        { Name: account, Scope: DOMAIN },
        { Name: account, Scope: 'CORP' },
      ],
      ...(fleet.mode === 'domainless'
        ? {
            HostAccountConfig: {
              PortableCcgVersion: '1',
              PluginGUID: '{859E1386-BDB4-49E8-85C7-3070B13920E1}',
              PluginInput: pluginInput,
            },
          }
        : {}),
    },
  };
}

export function buildWorld(plan: WorldPlan): World {
  const fleets = plan.fleets.map((fleet, i) => ({
    name: `fleet${i}`,
    autoScalingGroups: [`asg-fleet${i}`],
    platform: fleet.platform,
    mode: fleet.mode,
    cluster: `cluster${i}`,
    directory: { id: 'd-1234567890', name: DOMAIN, ...(plan.ou ? { ou: plan.ou } : {}) },
    ...(fleet.mode === 'domain-joined' ? { hostGroup: `Fleet${i}Hosts`, managementInstanceId: MANAGEMENT_HOST } : {}),
    credentialSpecs: [specArn(i)],
    onLaunchFailure: fleet.onLaunchFailure,
    deleteComputerAccount: fleet.deleteComputerAccount,
    heartbeatTimeoutSeconds: fleet.heartbeatTimeoutSeconds,
  }));
  const instances = plan.instances.map((instance, i) => ({
    instanceId: instanceId(i),
    autoScalingGroupName: `asg-fleet${instance.fleet}`,
    faults: instance.fault ? [instance.fault] : [],
  }));
  const scenario = plan.instances.flatMap((instance, i) => [
    { at: instance.launchAt, launch: [instanceId(i)] },
    ...(instance.end ? [{ at: instance.launchAt + instance.end.after, [instance.end.kind]: [instanceId(i)] }] : []),
  ]);
  return parseWorld({
    account: ACCOUNT,
    directory: { id: 'd-1234567890', name: DOMAIN, netbiosName: 'CORP', computers: ['MGMT01$'] },
    fleets,
    credentialSpecs: Object.fromEntries(plan.fleets.map((fleet, i) => [specArn(i), credentialSpec(fleet, i)])),
    secrets: [SECRET_ARN],
    instances,
    scenario,
    ...(plan.chaos ? { chaos: plan.chaos } : {}),
  });
}

/** One run in a fresh sandbox: the scenario until quiet, then the report. */
export async function runWorld(world: World, seed = 1, prepare?: (sandbox: Sandbox) => void): Promise<Report> {
  const sandbox = await Sandbox.create({ world, seed });
  try {
    prepare?.(sandbox);
    sandbox.scheduleScenario();
    await sandbox.runUntilQuiet();
    return await sandbox.report();
  } finally {
    await sandbox.stop();
  }
}
