// A fleet in a self-managed Active Directory (directory.type: self-managed): the join is the project's join
// document with the secret's ARN (never a credential), and everything after the join is the same path.
import { describe, expect, it } from 'vitest';
import { agent, fleetWith, Host, ID, JOIN_CMD, lifecycle, linux, status, T0, tick, windows } from './harness';

const SECRET = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:gmsa-ready/join-AbCdEf';
const selfManaged = (base: typeof windows, extra: Record<string, unknown> = {}) =>
  fleetWith(base, {
    directory: { type: 'self-managed', name: 'corp.example.com', joinCredentialSecretArn: SECRET, ...extra },
  });

describe('launch: self-managed directory', () => {
  it('sends the join document with the domain, OU, DNS servers and the secret ARN only', () => {
    const fleet = selfManaged(windows, {
      ou: 'OU=Hosts,DC=corp,DC=example,DC=com',
      dnsIpAddresses: ['10.0.0.10', '10.0.1.10'],
    });
    const h = new Host(fleet).send(lifecycle('launch')).after(60, agent(true, 'EC2AMAZ-A1B2C3D'));
    expect(h.actions()).toEqual([
      {
        type: 'sendCommand',
        purpose: 'join',
        platform: 'windows',
        instanceId: ID,
        parameters: {
          DomainName: ['corp.example.com'],
          OuPath: ['OU=Hosts,DC=corp,DC=example,DC=com'],
          DnsIpAddresses: ['10.0.0.10,10.0.1.10'],
          SecretArn: [SECRET],
        },
        timeoutSeconds: 1200,
        selfManagedJoin: true,
      },
    ]);
  });

  it('passes empty optional parameters (the documents default them to "")', () => {
    const h = new Host(selfManaged(linux))
      .send(lifecycle('launch', T0, { autoScalingGroupName: 'prod-ecs-linux-payments' }))
      .after(60, agent(true, 'ip-10-0-0-1.ec2.internal', 'Linux'));
    expect(h.one('sendCommand')).toMatchObject({
      platform: 'linux',
      parameters: { DomainName: ['corp.example.com'], OuPath: [''], DnsIpAddresses: [''], SecretArn: [SECRET] },
      selfManagedJoin: true,
    });
  });

  it('looks for its own join document before resending a lost command', () => {
    const h = new Host(selfManaged(windows))
      .send(lifecycle('launch'))
      .after(60, agent(true, 'EC2AMAZ-A1B2C3D'))
      .after(200, tick);
    expect(h.one('findCommand')).toMatchObject({ purpose: 'join', selfManagedJoin: true });
  });

  it('goes on as for an AWS-managed directory once joined: identify, then resolve (before authorize)', () => {
    const h = new Host(selfManaged(windows))
      .send(lifecycle('launch'))
      .after(60, agent(true, 'EC2AMAZ-A1B2C3D'))
      .now((at) => ({ type: 'commandSent', at, purpose: 'join', commandId: JOIN_CMD }))
      .after(240, status(JOIN_CMD, 'Success'))
      .now(agent(true, 'EC2AMAZ-A1B2C3D.corp.example.com'));
    expect(h.r).toMatchObject({ joined: true, computerName: 'EC2AMAZ-A1B2C3D', step: 'resolve' });
    expect(h.actions().map((e) => e.type)).toEqual(['enqueueGroupChange']);
  });
});
