import {
  ClusterNotFoundException,
  DeleteAttributesCommand,
  DescribeContainerInstancesCommand,
  DescribeTasksCommand,
  ECSClient,
  ListContainerInstancesCommand,
  ListTasksCommand,
  PutAttributesCommand,
  TargetNotFoundException,
  UpdateContainerInstancesStateCommand,
} from '@aws-sdk/client-ecs';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { createAwsEffector } from '../../lib/aws/effector';
import type { EffectOf } from '../../lib/aws/outcome';
import type { CredSpecCheck } from '../../lib/workflow/types';
import { AT, sent } from './helpers';

const ecs = mockClient(ECSClient);
const cluster = 'windows-hosts';
const instanceId = 'i-0123456789abcdef0';
const arn = 'arn:aws:ecs:us-east-1:123456789012:container-instance/windows-hosts/abc';
const checks: CredSpecCheck[] = [
  { source: 'arn:aws:ssm:us-east-1:123456789012:parameter/spec', valid: true, findings: [] },
];
const credSpecs = vi.fn(async () => checks);
const effector = createAwsEffector(['containers', 'verify'], { ecs: new ECSClient({}), credSpecs });

const registered = {
  containerInstanceArn: arn,
  ec2InstanceId: instanceId,
  status: 'ACTIVE',
  agentConnected: true,
  runningTasksCount: 0,
  attributes: [{ name: 'ecs.capability.gmsa' }, { name: 'ecs.os-type', value: 'windows' }],
};
const view = {
  arn,
  status: 'ACTIVE',
  agentConnected: true,
  attributes: ['ecs.capability.gmsa', 'ecs.os-type'],
  runningTasks: 0,
};

beforeEach(() => {
  ecs.reset();
  credSpecs.mockClear();
});

describe('inspect', () => {
  const effect = {
    type: 'inspect',
    cluster,
    instanceId,
    credentialSpecs: ['arn:aws:ssm:us-east-1:123456789012:parameter/spec'],
    directoryName: 'corp.example.com',
    platform: 'windows',
    mode: 'domain-joined',
    discover: false,
  } satisfies EffectOf<'inspect'>;

  it('finds the container instance by EC2 id, describes it and adds the credential spec checks', async () => {
    ecs.on(ListContainerInstancesCommand).resolves({ containerInstanceArns: [arn] });
    ecs.on(DescribeContainerInstancesCommand).resolves({ containerInstances: [registered] });
    expect(await effector.run(effect, AT)).toEqual({
      type: 'inspected',
      at: AT,
      containerInstance: view,
      credentialSpecs: checks,
    });
    expect(sent(ecs)).toEqual([
      [ListContainerInstancesCommand, { cluster, filter: `ec2InstanceId == '${instanceId}'` }],
      [DescribeContainerInstancesCommand, { cluster, containerInstances: [arn] }],
    ]);
    expect(credSpecs).toHaveBeenCalledWith(effect);
  });

  it('reports no container instance when the host is not registered', async () => {
    ecs.on(ListContainerInstancesCommand).resolves({ containerInstanceArns: [] });
    expect(await effector.run(effect, AT)).toEqual({ type: 'inspected', at: AT, credentialSpecs: checks });
    expect(ecs.commandCalls(DescribeContainerInstancesCommand)).toHaveLength(0);
  });

  it('takes the newest registration when the agent registered twice', async () => {
    const old = { ...registered, containerInstanceArn: `${arn}-old`, registeredAt: new Date('2026-01-01T00:00:00Z') };
    const fresh = { ...registered, registeredAt: new Date('2026-01-01T01:00:00Z') };
    ecs.on(ListContainerInstancesCommand).resolves({ containerInstanceArns: [`${arn}-old`, arn] });
    ecs.on(DescribeContainerInstancesCommand).resolves({ containerInstances: [old, fresh] });
    expect(await effector.run(effect, AT)).toMatchObject({ containerInstance: { arn } });
  });

  it('reports a missing cluster as gone', async () => {
    ecs
      .on(ListContainerInstancesCommand)
      .rejects(new ClusterNotFoundException({ message: 'Cluster not found.', $metadata: {} }));
    expect(await effector.run(effect, AT)).toEqual({
      type: 'failed',
      at: AT,
      effect: 'inspect',
      kind: 'gone',
      message: 'ClusterNotFoundException: Cluster not found.',
    });
  });
});

describe('ready attribute', () => {
  const put = { type: 'putReadyAttribute', cluster, containerInstanceArn: arn, name: 'gmsa-ready' } as const;
  const del = { ...put, type: 'deleteReadyAttribute' } as const;

  it('puts name=true on the container instance', async () => {
    ecs.on(PutAttributesCommand).resolves({});
    expect(await effector.run(put, AT)).toEqual({ type: 'done', at: AT, effect: 'putReadyAttribute' });
    expect(sent(ecs)).toEqual([
      [
        PutAttributesCommand,
        {
          cluster,
          attributes: [{ name: 'gmsa-ready', value: 'true', targetType: 'container-instance', targetId: arn }],
        },
      ],
    ]);
  });

  it('deletes the attribute by name, without a value', async () => {
    ecs.on(DeleteAttributesCommand).resolves({});
    expect(await effector.run(del, AT)).toEqual({ type: 'done', at: AT, effect: 'deleteReadyAttribute' });
    expect(sent(ecs)).toEqual([
      [
        DeleteAttributesCommand,
        { cluster, attributes: [{ name: 'gmsa-ready', targetType: 'container-instance', targetId: arn }] },
      ],
    ]);
  });

  it('treats a vanished container instance as nothing left to delete', async () => {
    ecs.on(DeleteAttributesCommand).rejects(new TargetNotFoundException({ message: 'not found', $metadata: {} }));
    expect(await effector.run(del, AT)).toEqual({ type: 'done', at: AT, effect: 'deleteReadyAttribute' });
  });

  it('but reports a vanished target as gone when putting', async () => {
    ecs.on(PutAttributesCommand).rejects(new TargetNotFoundException({ message: 'not found', $metadata: {} }));
    expect(await effector.run(put, AT)).toMatchObject({ type: 'failed', effect: 'putReadyAttribute', kind: 'gone' });
  });
});

describe('drain', () => {
  const effect = { type: 'drain', cluster, containerInstanceArn: arn } as const;

  it('sets the container instance DRAINING', async () => {
    ecs.on(UpdateContainerInstancesStateCommand).resolves({ containerInstances: [registered], failures: [] });
    expect(await effector.run(effect, AT)).toEqual({ type: 'done', at: AT, effect: 'drain' });
    expect(sent(ecs)).toEqual([
      [UpdateContainerInstancesStateCommand, { cluster, containerInstances: [arn], status: 'DRAINING' }],
    ]);
  });

  it("answers with the drain's status when ECS says DRAINING with no task running or pending", async () => {
    const idle = { ...registered, status: 'DRAINING', runningTasksCount: 0, pendingTasksCount: 0 };
    ecs.on(UpdateContainerInstancesStateCommand).resolves({ containerInstances: [idle], failures: [] });
    expect(await effector.run(effect, AT)).toMatchObject({
      type: 'drainStatus',
      at: AT,
      containerInstance: { arn, status: 'DRAINING', runningTasks: 0 },
      standaloneTasks: 0,
    });
    for (const busy of [
      { ...idle, runningTasksCount: 1 },
      { ...idle, pendingTasksCount: 1 },
    ]) {
      ecs.on(UpdateContainerInstancesStateCommand).resolves({ containerInstances: [busy], failures: [] });
      expect(await effector.run(effect, AT)).toEqual({ type: 'done', at: AT, effect: 'drain' });
    }
  });

  it('is done when the container instance is MISSING', async () => {
    ecs.on(UpdateContainerInstancesStateCommand).resolves({ failures: [{ arn, reason: 'MISSING' }] });
    expect(await effector.run(effect, AT)).toEqual({ type: 'done', at: AT, effect: 'drain' });
  });

  it('reports any other failure as invalid', async () => {
    ecs
      .on(UpdateContainerInstancesStateCommand)
      .resolves({ failures: [{ arn, reason: 'INVALID_STATE', detail: 'instance is REGISTERING' }] });
    expect(await effector.run(effect, AT)).toEqual({
      type: 'failed',
      at: AT,
      effect: 'drain',
      kind: 'invalid',
      message: `UpdateContainerInstancesState failed for ${arn}: INVALID_STATE (instance is REGISTERING)`,
    });
  });
});

describe('inspectDrain', () => {
  const byArn = { type: 'inspectDrain', cluster, instanceId, containerInstanceArn: arn } as const;
  const byId = { type: 'inspectDrain', cluster, instanceId } as const;
  const draining = { ...registered, status: 'DRAINING' };

  it('describes the known container instance directly and skips tasks when none run', async () => {
    ecs.on(DescribeContainerInstancesCommand).resolves({ containerInstances: [draining] });
    expect(await effector.run(byArn, AT)).toEqual({
      type: 'drainStatus',
      at: AT,
      containerInstance: { ...view, status: 'DRAINING' },
      standaloneTasks: 0,
    });
    expect(sent(ecs)).toEqual([[DescribeContainerInstancesCommand, { cluster, containerInstances: [arn] }]]);
  });

  it('finds the container instance by EC2 id when the record has no ARN', async () => {
    ecs.on(ListContainerInstancesCommand).resolves({ containerInstanceArns: [arn] });
    ecs.on(DescribeContainerInstancesCommand).resolves({ containerInstances: [draining] });
    expect(await effector.run(byId, AT)).toMatchObject({ type: 'drainStatus', containerInstance: { arn } });
    expect(sent(ecs)[0]).toEqual([
      ListContainerInstancesCommand,
      { cluster, filter: `ec2InstanceId == '${instanceId}'` },
    ]);
  });

  it('reports no container instance once it is deregistered', async () => {
    ecs
      .on(DescribeContainerInstancesCommand)
      .resolves({ containerInstances: [], failures: [{ arn, reason: 'MISSING' }] });
    expect(await effector.run(byArn, AT)).toEqual({ type: 'drainStatus', at: AT, standaloneTasks: 0 });
  });

  it('counts the running tasks no service started, across pages and in batches of 100', async () => {
    const arns = Array.from({ length: 150 }, (_, i) => `arn:aws:ecs:us-east-1:123456789012:task/windows-hosts/t${i}`);
    ecs
      .on(DescribeContainerInstancesCommand)
      .resolves({ containerInstances: [{ ...draining, runningTasksCount: 150 }] });
    ecs
      .on(ListTasksCommand)
      .resolvesOnce({ taskArns: arns.slice(0, 100), nextToken: 'page-2' })
      .resolvesOnce({ taskArns: arns.slice(100) });
    ecs
      .on(DescribeTasksCommand)
      .resolvesOnce({
        tasks: arns.slice(0, 100).map((taskArn, i) => ({ taskArn, group: i < 98 ? 'service:web' : 'family:batch' })),
      })
      .resolvesOnce({ tasks: arns.slice(100).map((taskArn) => ({ taskArn })) });

    expect(await effector.run(byArn, AT)).toMatchObject({ type: 'drainStatus', standaloneTasks: 2 + 50 });
    expect(sent(ecs).slice(1)).toEqual([
      [ListTasksCommand, { cluster, containerInstance: arn, desiredStatus: 'RUNNING', nextToken: undefined }],
      [ListTasksCommand, { cluster, containerInstance: arn, desiredStatus: 'RUNNING', nextToken: 'page-2' }],
      [DescribeTasksCommand, { cluster, tasks: arns.slice(0, 100) }],
      [DescribeTasksCommand, { cluster, tasks: arns.slice(100) }],
    ]);
  });
});
