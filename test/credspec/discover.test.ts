import {
  DescribeServicesCommand,
  type DescribeServicesCommandInput,
  DescribeTaskDefinitionCommand,
  type DescribeTaskDefinitionCommandInput,
  ECSClient,
  ListServicesCommand,
} from '@aws-sdk/client-ecs';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { beforeEach, describe, expect, it } from 'vitest';
import { discoverCredentialSpecs } from '../../lib/credspec';

const ecsMock = mockClient(ECSClient);
const ecs = new ECSClient({});
const CLUSTER = 'windows-prod';

const service = (i: number) => `arn:aws:ecs:us-east-1:123456789012:service/${CLUSTER}/svc-${i}`;
const TD_WEB = 'arn:aws:ecs:us-east-1:123456789012:task-definition/web:7';
const TD_API = 'arn:aws:ecs:us-east-1:123456789012:task-definition/api:3';
const TD_PLAIN = 'arn:aws:ecs:us-east-1:123456789012:task-definition/plain:1';
const WEB_SPEC = 'credentialspec:arn:aws:ssm:us-east-1:123456789012:parameter/gmsa/web';
const API_SPEC = 'credentialspecdomainless:arn:aws:s3:::corp-gmsa/api.json';
const LEGACY_SPEC = 'credentialspec:file://legacy.json';

// 12 services over two pages; services 0-5 run web, 6-10 api, 11 a task definition without specs.
const taskDefinitionOf = (arn: string) => {
  const i = Number(arn.split('-').pop());
  return i < 6 ? TD_WEB : i < 11 ? TD_API : TD_PLAIN;
};

beforeEach(() => {
  ecsMock.reset();
  ecsMock
    .on(ListServicesCommand)
    .resolvesOnce({ serviceArns: [0, 1, 2, 3, 4, 5, 6, 7].map(service), nextToken: 'page-2' })
    .resolvesOnce({ serviceArns: [8, 9, 10, 11].map(service) });
  ecsMock.on(DescribeServicesCommand).callsFake((input: DescribeServicesCommandInput) => ({
    services: (input.services ?? []).map((arn) => ({ serviceArn: arn, taskDefinition: taskDefinitionOf(arn) })),
  }));
  ecsMock.on(DescribeTaskDefinitionCommand).callsFake((input: DescribeTaskDefinitionCommandInput) => ({
    taskDefinition: {
      [TD_WEB]: {
        containerDefinitions: [
          { name: 'web', credentialSpecs: [WEB_SPEC] },
          { name: 'sidecar', dockerSecurityOptions: ['no-new-privileges', WEB_SPEC] },
        ],
      },
      [TD_API]: {
        containerDefinitions: [{ name: 'api', credentialSpecs: [API_SPEC], dockerSecurityOptions: [LEGACY_SPEC] }],
      },
      [TD_PLAIN]: { containerDefinitions: [{ name: 'plain', dockerSecurityOptions: ['apparmor:docker-default'] }] },
    }[input.taskDefinition ?? ''],
  }));
});

describe('discoverCredentialSpecs', () => {
  it('collects every spec the cluster services use, once, with who uses it', async () => {
    await expect(discoverCredentialSpecs(ecs, CLUSTER)).resolves.toEqual([
      { source: WEB_SPEC, usedBy: [`${TD_WEB}#web`, `${TD_WEB}#sidecar`] },
      { source: API_SPEC, usedBy: [`${TD_API}#api`] },
      { source: LEGACY_SPEC, usedBy: [`${TD_API}#api`] },
    ]);
  });

  it('pages through ListServices and describes services ten at a time', async () => {
    await discoverCredentialSpecs(ecs, CLUSTER);
    expect(ecsMock).toHaveReceivedCommandTimes(ListServicesCommand, 2);
    expect(ecsMock).toHaveReceivedNthCommandWith(ListServicesCommand, 1, { cluster: CLUSTER });
    expect(ecsMock).toHaveReceivedNthCommandWith(ListServicesCommand, 2, { cluster: CLUSTER, nextToken: 'page-2' });
    expect(ecsMock).toHaveReceivedCommandTimes(DescribeServicesCommand, 2);
    expect(ecsMock).toHaveReceivedNthCommandWith(DescribeServicesCommand, 1, {
      cluster: CLUSTER,
      services: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9].map(service),
    });
    expect(ecsMock).toHaveReceivedNthCommandWith(DescribeServicesCommand, 2, {
      cluster: CLUSTER,
      services: [10, 11].map(service),
    });
  });

  it('describes each distinct task definition once', async () => {
    await discoverCredentialSpecs(ecs, CLUSTER);
    expect(ecsMock).toHaveReceivedCommandTimes(DescribeTaskDefinitionCommand, 3);
    for (const taskDefinition of [TD_WEB, TD_API, TD_PLAIN]) {
      expect(ecsMock).toHaveReceivedCommandWith(DescribeTaskDefinitionCommand, { taskDefinition });
    }
  });

  it('finds nothing in a cluster without services', async () => {
    ecsMock.on(ListServicesCommand).resolves({ serviceArns: [] });
    await expect(discoverCredentialSpecs(ecs, 'empty')).resolves.toEqual([]);
    expect(ecsMock).not.toHaveReceivedCommand(DescribeServicesCommand);
  });
});
