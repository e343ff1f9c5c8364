// Decides what the doctor asks (which groups, hooks, specs, secrets, and whether the probe document can
// run) and collects the answers into Facts. The probe performs each question; checks.ts judges the result.
import type { Config, Fleet } from '../config/schema';
import { inspectCredSpecText } from '../credspec';
import type { CredentialSpecFact, Facts, FleetFacts, ManagementFact, Read, StageFacts } from './facts';
import type { DoctorNames } from './names';
import type { Probe } from './probe';
import { gmsaNamesIn, parseProbeOutput, uniqueNames } from './probe-output';

export async function gatherFacts(config: Config, names: DoctorNames, probe: Probe): Promise<Facts> {
  const stage = await gatherStage(names, probe);
  const fleets: FleetFacts[] = [];
  for (const fleet of config.fleets) fleets.push(await gatherFleet(fleet, probe));
  return { stage, fleets };
}

async function gatherStage(names: DoctorNames, probe: Probe): Promise<StageFacts> {
  const queues: StageFacts['queues'] = [];
  for (const queue of names.queues) queues.push({ ...queue, messages: await probe.queueMessages(queue.name) });
  return {
    rules: await probe.rules(names.rulePrefix),
    expectedRules: names.expectedRules,
    table: { name: names.table, status: await probe.tableStatus(names.table) },
    queues,
  };
}

async function gatherFleet(fleet: Fleet, probe: Probe): Promise<FleetFacts> {
  const groups = await probe.groups(fleet.autoScalingGroups);
  const credentialSpecs: CredentialSpecFact[] = [];
  for (const arn of fleet.credentialSpecs) credentialSpecs.push({ arn, text: await probe.credentialSpec(arn) });
  const secrets: FleetFacts['secrets'] = [];
  for (const arn of new Set(credentialSpecs.flatMap((spec) => secretOf(spec, fleet))))
    secrets.push({ arn, exists: await probe.secretExists(arn) });
  return {
    fleet: fleet.name,
    groups,
    ...(fleet.directory.type === 'aws-managed' ? { directory: await probe.directoryStage(fleet.directory.id) } : {}),
    ...(fleet.managementInstanceId
      ? { management: await gatherManagement(fleet, fleet.managementInstanceId, credentialSpecs, probe) }
      : {}),
    credentialSpecs,
    secrets,
  };
}

/** The domainless user's secret a spec names (HostAccountConfig.PluginInput.CredentialArn), if any. */
function secretOf(spec: CredentialSpecFact, fleet: Fleet): string[] {
  if (!spec.text.ok) return [];
  const { secretArn } = inspectCredSpecText(spec.text.value, {
    domain: fleet.directory.name,
    platform: fleet.platform,
    domainless: fleet.mode === 'domainless',
  });
  return secretArn ? [secretArn] : [];
}

/** The probe document runs only on a host SSM lists Online as Windows, and only for a fleet with a host group. */
async function gatherManagement(
  fleet: Fleet,
  instanceId: string,
  specs: CredentialSpecFact[],
  probe: Probe,
): Promise<ManagementFact> {
  const node = await probe.managedNode(instanceId);
  const fact: ManagementFact = { instanceId, node };
  if (!node.ok || node.value?.pingStatus !== 'Online' || node.value.platformType !== 'Windows' || !fleet.hostGroup)
    return fact;
  const gmsas = uniqueNames(specs.flatMap((spec) => (spec.text.ok ? gmsaNamesIn(spec.text.value) : [])));
  const output: Read<string> = await probe.runProbe(instanceId, {
    GroupName: fleet.hostGroup,
    DomainName: fleet.directory.name,
    GmsaNames: gmsas.length > 0 ? gmsas.join(',') : '-',
  });
  return { ...fact, probe: output.ok ? { ok: true, value: parseProbeOutput(output.value) } : output };
}
