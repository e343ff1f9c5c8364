import { DescribeInstancesCommand, EC2Client } from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { instanceStates } from '../../lib/aws/ec2';
import { sent } from './helpers';

const ec2mock = mockClient(EC2Client);
const ec2 = new EC2Client({});

const id = (n: number) => `i-${n.toString(16).padStart(17, '0')}`;
const reservation = (ids: string[], state: string) => ({
  Instances: ids.map((InstanceId) => ({ InstanceId, State: { Name: state as 'running' } })),
});

beforeEach(() => ec2mock.reset());

describe('instanceStates', () => {
  it('uses an instance-id filter, follows NextToken, and calls ids it never saw gone', async () => {
    const ids = [id(1), id(2), id(3)];
    ec2mock
      .on(DescribeInstancesCommand)
      .resolvesOnce({ Reservations: [reservation([id(1)], 'running')], NextToken: 'next' })
      .resolvesOnce({ Reservations: [reservation([id(2)], 'terminated')] });

    const states = await instanceStates(ec2, ids);

    expect(Object.fromEntries(states)).toEqual({ [id(1)]: 'running', [id(2)]: 'terminated', [id(3)]: 'gone' });
    expect(sent(ec2mock)).toEqual([
      [DescribeInstancesCommand, { Filters: [{ Name: 'instance-id', Values: ids }], NextToken: undefined }],
      [DescribeInstancesCommand, { Filters: [{ Name: 'instance-id', Values: ids }], NextToken: 'next' }],
    ]);
    expect(sent(ec2mock).every(([, input]) => !('InstanceIds' in (input as object)))).toBe(true);
  });

  it('asks for at most 200 ids per call', async () => {
    const ids = Array.from({ length: 450 }, (_, i) => id(i));
    ec2mock.on(DescribeInstancesCommand).resolves({ Reservations: [] });

    const states = await instanceStates(ec2, ids);

    const filters = sent(ec2mock).map(([, input]) => (input as { Filters: { Values: string[] }[] }).Filters[0]?.Values);
    expect(filters).toEqual([ids.slice(0, 200), ids.slice(200, 400), ids.slice(400)]);
    expect(states.size).toBe(450);
  });

  it('makes no call for no ids', async () => {
    expect((await instanceStates(ec2, [])).size).toBe(0);
    expect(sent(ec2mock)).toEqual([]);
  });
});
