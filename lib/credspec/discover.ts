// Finds the credential specs a cluster's services depend on, so a new service can't rely on a broken spec unseen.
// ECS errors propagate: the caller classifies them (a throttle is retried, not a broken spec).
import type { ECSClient } from '@aws-sdk/client-ecs';
import { DescribeServicesCommand, DescribeTaskDefinitionCommand, ListServicesCommand } from '@aws-sdk/client-ecs';

export interface DiscoveredSpec {
  /** As written in the task definition, prefix included (credentialspec:ARN, credentialspecdomainless:ARN). */
  source: string;
  /** taskDefinitionArn#containerName of every container that references it. */
  usedBy: string[];
}

const DESCRIBE_SERVICES_MAX = 10;
const CREDSPEC_OPTION = /^credentialspec(domainless)?:/;

export async function discoverCredentialSpecs(ecs: ECSClient, cluster: string): Promise<DiscoveredSpec[]> {
  const taskDefinitions = new Set<string>();
  const serviceArns = await listServices(ecs, cluster);
  for (let i = 0; i < serviceArns.length; i += DESCRIBE_SERVICES_MAX) {
    const out = await ecs.send(
      new DescribeServicesCommand({ cluster, services: serviceArns.slice(i, i + DESCRIBE_SERVICES_MAX) }),
    );
    for (const service of out.services ?? []) if (service.taskDefinition) taskDefinitions.add(service.taskDefinition);
  }

  const found = new Map<string, string[]>();
  for (const taskDefinition of taskDefinitions) {
    const out = await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition }));
    for (const container of out.taskDefinition?.containerDefinitions ?? []) {
      const sources = [
        ...(container.credentialSpecs ?? []),
        ...(container.dockerSecurityOptions ?? []).filter((o) => CREDSPEC_OPTION.test(o)),
      ];
      for (const source of sources) {
        const users = found.get(source) ?? [];
        users.push(`${taskDefinition}#${container.name ?? '?'}`);
        found.set(source, users);
      }
    }
  }
  return [...found].map(([source, usedBy]) => ({ source, usedBy }));
}

async function listServices(ecs: ECSClient, cluster: string): Promise<string[]> {
  const arns: string[] = [];
  let nextToken: string | undefined;
  do {
    const out = await ecs.send(new ListServicesCommand({ cluster, nextToken }));
    arns.push(...(out.serviceArns ?? []));
    nextToken = out.nextToken;
  } while (nextToken);
  return arns;
}
