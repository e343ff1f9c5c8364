// The fixture events in events/ are shaped like the real ones (aws-facts sections 1 and 2), so handler
// tests and `sls invoke local` runs exercise real shapes.
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadConfigFile } from '../../lib/config/file';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const INSTANCE = /^i-[0-9a-f]{17}$/;
const groups = loadConfigFile('config/example.yml').fleets.flatMap((fleet) => fleet.autoScalingGroups);

const fixtures = readdirSync('events')
  .filter((file) => file.endsWith('.json'))
  .map((file) => ({ file, event: JSON.parse(readFileSync(`events/${file}`, 'utf8')) }));
const lifecycle = fixtures.filter(({ file }) => file.startsWith('lifecycle-'));
const commandStatus = fixtures.filter(({ file }) => file.startsWith('command-status-'));

describe('lifecycle fixtures', () => {
  it.each(lifecycle)('$file is an Auto Scaling lifecycle action event', ({ event }) => {
    const { detail } = event;
    const launch = event['detail-type'] === 'EC2 Instance-launch Lifecycle Action';
    expect(event).toMatchObject({
      version: '0',
      source: 'aws.autoscaling',
      account: '123456789012',
      region: 'us-east-1',
    });
    expect(event.id).toMatch(UUID);
    expect(launch || event['detail-type'] === 'EC2 Instance-terminate Lifecycle Action').toBe(true);
    expect(detail.LifecycleTransition).toBe(
      launch ? 'autoscaling:EC2_INSTANCE_LAUNCHING' : 'autoscaling:EC2_INSTANCE_TERMINATING',
    );
    expect(detail.LifecycleActionToken).toMatch(UUID);
    expect(detail.EC2InstanceId).toMatch(INSTANCE);
    expect(detail.LifecycleHookName).toMatch(/^[A-Za-z0-9\-_/]{1,255}$/);
    expect(['EC2', 'AutoScalingGroup', 'WarmPool']).toContain(detail.Origin);
    expect(['EC2', 'AutoScalingGroup', 'WarmPool']).toContain(detail.Destination);
    expect(event.resources).toEqual([
      expect.stringMatching(
        new RegExp(
          `^arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:[0-9a-f-]{36}:autoScalingGroupName/${detail.AutoScalingGroupName}$`,
        ),
      ),
    ]);
    expect(Number.isNaN(Date.parse(event.time))).toBe(false);
  });

  it('covers both fleets, both transitions, the warm-pool moves, a replay and an unconfigured group', () => {
    const seen = lifecycle.map(({ event }) =>
      [
        event.detail.AutoScalingGroupName,
        event.detail.LifecycleTransition.split('_').pop(),
        event.detail.Origin,
        event.detail.Destination,
      ].join(' '),
    );
    expect(seen).toEqual(
      expect.arrayContaining([
        'prod-ecs-win-orders LAUNCHING EC2 AutoScalingGroup',
        'prod-ecs-win-orders TERMINATING AutoScalingGroup EC2',
        'prod-ecs-linux-payments LAUNCHING EC2 AutoScalingGroup',
        'prod-ecs-linux-payments TERMINATING AutoScalingGroup EC2',
        'prod-ecs-win-orders LAUNCHING EC2 WarmPool',
        'prod-ecs-win-orders LAUNCHING WarmPool AutoScalingGroup',
        'prod-ecs-win-orders TERMINATING AutoScalingGroup WarmPool',
      ]),
    );
    const replays = lifecycle.filter(({ event }) => 'replay-name' in event);
    expect(replays.map(({ file }) => file)).toEqual(['lifecycle-launch-replay.json']);
    const unconfigured = lifecycle.filter(({ event }) => !groups.includes(event.detail.AutoScalingGroupName));
    expect(unconfigured.map(({ file }) => file)).toEqual(['lifecycle-launch-unconfigured-group.json']);
  });
});

describe('command status fixtures', () => {
  it.each(commandStatus)('$file is a Run Command invocation status event', ({ event }) => {
    expect(event).toMatchObject({
      source: 'aws.ssm',
      'detail-type': 'EC2 Command Invocation Status-change Notification',
      account: '123456789012',
      region: 'us-east-1',
    });
    const { detail } = event;
    expect(Object.keys(detail).sort()).toEqual([
      'command-id',
      'document-name',
      'instance-id',
      'requested-date-time',
      'status',
    ]);
    expect(detail['command-id']).toMatch(UUID);
    expect(detail['instance-id']).toMatch(INSTANCE);
    expect(event.resources).toEqual([`arn:aws:ec2:us-east-1:123456789012:instance/${detail['instance-id']}`]);
  });

  it('has a success and a failure', () => {
    expect(commandStatus.map(({ event }) => event.detail.status).sort()).toEqual(['Failed', 'Success']);
  });
});
