// The least-privilege checker itself: each rule must catch the policy it exists for, or the template
// test's empty list of violations would prove nothing.
import { describe, expect, it } from 'vitest';
import { iamViolations } from './iam-rules';
import type { Template } from './template';

const expected = {
  documents: ['AWS-JoinDirectoryServiceDomain', 'gmsa-ready-example-GroupChange'],
  managementInstances: ['i-0123456789abcdef0'],
};

function templateWith(...statements: Record<string, unknown>[]): Template {
  return {
    Outputs: {},
    Resources: {
      GroupChangeDocument: { Type: 'AWS::SSM::Document', Properties: { Name: 'gmsa-ready-example-GroupChange' } },
      SomeRole: {
        Type: 'AWS::IAM::Role',
        Properties: {
          Policies: [
            { PolicyName: 'p', PolicyDocument: { Statement: statements.map((s) => ({ Effect: 'Allow', ...s })) } },
          ],
        },
      },
    },
  };
}

const instances = { 'Fn::Sub': `arn:\${AWS::Partition}:ec2:\${AWS::Region}:\${AWS::AccountId}:instance/*` };
const asgCondition = { StringEquals: { 'ssm:resourceTag/aws:autoscaling:groupName': ['prod-ecs-win-orders'] } };

describe('iamViolations', () => {
  it('accepts a scoped policy', () => {
    const template = templateWith(
      {
        Action: ['ssm:SendCommand'],
        Resource: [
          {
            'Fn::Sub': `arn:\${AWS::Partition}:ssm:\${AWS::Region}:\${AWS::AccountId}:document/\${GroupChangeDocument}`,
          },
          'arn:aws:ec2:us-east-1:123456789012:instance/i-0123456789abcdef0',
        ],
      },
      { Action: ['ssm:SendCommand'], Resource: [instances], Condition: asgCondition },
      { Action: ['ssm:GetCommandInvocation'], Resource: '*' },
      { Action: ['dynamodb:GetItem'], Resource: [{ 'Fn::GetAtt': ['HostsTable', 'Arn'] }] },
    );
    expect(iamViolations(template, expected)).toEqual([]);
  });

  it.each([
    ['Action "*"', { Action: '*', Resource: [{ 'Fn::GetAtt': ['HostsTable', 'Arn'] }] }, 'Action "*"'],
    [
      'a service-wide action',
      { Action: ['ssm:*'], Resource: [{ 'Fn::GetAtt': ['HostsTable', 'Arn'] }] },
      'service-wide action ssm:*',
    ],
    [
      'a partial wildcard action',
      { Action: ['dynamodb:Get*'], Resource: [{ 'Fn::GetAtt': ['HostsTable', 'Arn'] }] },
      'wildcard action dynamodb:Get*',
    ],
    [
      'Resource "*" for an action with resource-level permissions',
      { Action: ['dynamodb:PutItem'], Resource: '*' },
      'dynamodb:PutItem on Resource "*"',
    ],
    ['SendCommand on Resource "*"', { Action: ['ssm:SendCommand'], Resource: '*' }, 'ssm:SendCommand on Resource "*"'],
    [
      'SendCommand on another document',
      {
        Action: ['ssm:SendCommand'],
        Resource: [{ 'Fn::Sub': `arn:\${AWS::Partition}:ssm:\${AWS::Region}::document/AWS-RunPowerShellScript` }],
      },
      'SendCommand on document arn:aws:ssm:us-east-1::document/AWS-RunPowerShellScript',
    ],
    [
      'SendCommand on any document',
      { Action: ['ssm:SendCommand'], Resource: ['arn:aws:ssm:us-east-1:123456789012:document/*'] },
      'SendCommand on document arn:aws:ssm:us-east-1:123456789012:document/*',
    ],
    [
      'SendCommand on any instance without the group condition',
      { Action: ['ssm:SendCommand'], Resource: [instances] },
      'without ssm:resourceTag',
    ],
    [
      'SendCommand on an instance that is no management host',
      { Action: ['ssm:SendCommand'], Resource: ['arn:aws:ec2:us-east-1:123456789012:instance/i-0fedcba9876543210'] },
      'SendCommand on arn:aws:ec2:us-east-1:123456789012:instance/i-0fedcba9876543210',
    ],
  ])('flags %s', (_, statement, message) => {
    const violations = iamViolations(templateWith(statement), expected);
    expect(violations).toHaveLength(1);
    expect(violations[0]).toContain(message);
  });

  it('flags managed policies on a role', () => {
    const template = templateWith();
    (template.Resources.SomeRole as { Properties: Record<string, unknown> }).Properties.ManagedPolicyArns = [
      'arn:aws:iam::aws:policy/AdministratorAccess',
    ];
    expect(iamViolations(template, expected)).toEqual([expect.stringContaining('managed policies')]);
  });
});
