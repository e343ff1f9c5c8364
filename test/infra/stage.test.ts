// What packaging derives from config/<stage>.yml: the embedded config, the rule's groups, and the
// config-shaped resources; and the osls variable source that serves them.
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { loadConfigFile } from '../../lib/config/file';
import { parseConfig } from '../../lib/config/load';
import { buildAlarms } from '../../lib/infra/alarms';
import { buildDashboardBody } from '../../lib/infra/dashboard';
import { buildStage, MAX_CONFIG_ENV_BYTES } from '../../lib/infra/stage';
import { dashboardMetricRefs, metricRefViolations } from './metric-refs';
import type { Json } from './template';

const names = { service: 'gmsa-ready', stage: 'example' };
const example = loadConfigFile('config/example.yml');
const fleet = example.fleets[0];
if (!fleet) throw new Error('config/example.yml has no fleet');

describe('buildStage', () => {
  it('embeds the validated config as compact JSON that validates again to the same config', () => {
    const { json } = buildStage(example, names, 'config/example.yml');
    expect(json).not.toContain('\n');
    expect(parseConfig(JSON.parse(json))).toEqual(example);
  });

  it('refuses a config too large for the Lambda environment, naming the file and the limit', () => {
    const many = parseConfig({
      fleets: Array.from({ length: 12 }, (_, i) => ({ ...fleet, name: `fleet-${i}`, autoScalingGroups: [`asg-${i}`] })),
    });
    expect(() => buildStage(many, names, 'config/big.yml')).toThrow(
      new RegExp(`config/big.yml is \\d+ bytes as JSON; GMSA_READY_CONFIG may use at most ${MAX_CONFIG_ENV_BYTES}`),
    );
  });

  it('lists every fleet group for the lifecycle rule', () => {
    expect(buildStage(example, names, 'x').autoScalingGroups).toEqual([
      'prod-ecs-win-orders',
      'prod-ecs-linux-payments',
      'prod-ecs-win-reports',
    ]);
  });

  it('drops SendCommand grants when no fleet is domain-joined', () => {
    const domainless = parseConfig({ fleets: [example.fleets[2]] });
    const roles = buildStage(domainless, names, 'x').resources.Resources as Record<string, Json>;
    const actions = Object.values(roles)
      .filter((resource) => resource.Type === 'AWS::IAM::Role')
      .flatMap((role) =>
        role.Properties.Policies[0].PolicyDocument.Statement.flatMap((s: { Action: string[] }) => s.Action),
      );
    expect(actions).not.toContain('ssm:SendCommand');
    expect(actions).toContain('autoscaling:CompleteLifecycleAction');
  });
});

describe('IAM grants that only some configs need', () => {
  const statementsOf = (config: typeof example) =>
    Object.values(buildStage(config, names, 'x').resources.Resources as Record<string, Json>)
      .filter(
        (resource) => resource.Type === 'AWS::IAM::Role' && resource.Properties.Policies[0].PolicyName === 'lifecycle',
      )
      .flatMap((role) => role.Properties.Policies[0].PolicyDocument.Statement);
  const sids = (config: typeof example) => statementsOf(config).map((statement: { Sid: string }) => statement.Sid);

  it('lets verify simulate only the configured task execution roles', () => {
    expect(sids(example)).not.toContain('CheckTaskExecutionRoles');
    const role = 'arn:aws:iam::123456789012:role/orders-task-execution';
    const withRole = parseConfig({ fleets: [{ ...fleet, taskExecutionRoleArn: role }] });
    expect(statementsOf(withRole)).toContainEqual(
      expect.objectContaining({ Action: ['iam:SimulatePrincipalPolicy'], Resource: [role] }),
    );
  });

  it('lets discovery read services only in the clusters of fleets that discover', () => {
    expect(sids(example).filter((sid: string) => sid.includes('Services'))).toEqual([]);
    const discovering = parseConfig({ fleets: [{ ...fleet, discoverCredentialSpecs: true }] });
    expect(statementsOf(discovering)).toContainEqual(
      expect.objectContaining({
        Action: ['ecs:ListServices'],
        Condition: {
          ArnEquals: {
            'ecs:cluster': [
              { 'Fn::Sub': `arn:\${AWS::Partition}:ecs:\${AWS::Region}:\${AWS::AccountId}:cluster/orders` },
            ],
          },
        },
      }),
    );
  });
});

describe('buildAlarms', () => {
  const input = { names, fleets: ['orders'], rejectSources: ['lifecycle'], deadLetterQueues: ['WakeDeadLetterQueue'] };
  const actionsOf = (resources: Record<string, Json>) =>
    Object.values(resources).map((alarm) => [alarm.Properties.AlarmActions, alarm.Properties.OKActions]);

  it('notifies the configured topic on alarm and on recovery', () => {
    const topic = 'arn:aws:sns:us-east-1:123456789012:gmsa-ready-alarms';
    const alarms = buildAlarms({ ...input, alarmTopicArn: topic });
    expect(Object.keys(alarms)).toHaveLength(5);
    for (const actions of actionsOf(alarms)) expect(actions).toEqual([[topic], [topic]]);
  });

  it('has no actions when no topic is configured', () => {
    for (const actions of actionsOf(buildAlarms(input))) expect(actions).toEqual([[], []]);
  });

  it('refuses two fleets whose alarms would share a logical id', () => {
    expect(() => buildAlarms({ ...input, fleets: ['a-b', 'a--b'] })).toThrow(/LaunchFailedAlarmAB/);
  });
});

describe('buildDashboardBody', () => {
  it('draws each fleet in the funnel and references only catalog metrics', () => {
    const body = buildDashboardBody({
      fleets: ['orders', 'payments-linux'],
      logGroupNames: ['/aws/lambda/x'],
      region: 'eu-west-1',
      rejectSources: ['lifecycle'],
    });
    const refs = dashboardMetricRefs(body);
    expect(metricRefViolations(refs)).toEqual([]);
    const funnel = refs.filter((ref) => ref.where === 'widget "Join funnel: started / ready / failed"');
    expect(funnel).toHaveLength(6);
    expect(refs.filter((ref) => ref.name === 'StepFailed')).toEqual([
      expect.objectContaining({ namespace: 'GmsaReady', dimensions: ['Fleet', 'Step', 'service'] }),
    ]);
    expect(
      JSON.parse(body).widgets.every(
        (widget: { properties: { region: string } }) => widget.properties.region === 'eu-west-1',
      ),
    ).toBe(true);
  });
});

describe('metricRefViolations', () => {
  it('catches an unknown metric, a wrong namespace, missing dimensions and a wrong service', () => {
    expect(
      metricRefViolations([
        { where: 'a', namespace: 'GmsaReady', name: 'LaunchesStarted', dimensions: ['Fleet', 'service'] },
        { where: 'b', namespace: 'Gmsa', name: 'LaunchStarted', dimensions: ['Fleet', 'service'] },
        { where: 'c', namespace: 'GmsaReady', name: 'StepFailed', dimensions: ['Fleet', 'service'] },
        {
          where: 'd',
          namespace: 'GmsaReady',
          name: 'LaunchStarted',
          dimensions: ['Fleet', 'service'],
          service: 'other',
        },
      ]),
    ).toEqual([
      'a: LaunchesStarted is not in lib/workflow/metrics.ts',
      'b: namespace Gmsa, not GmsaReady',
      'c: StepFailed with dimensions [Fleet,service], emitted with [Fleet,Step,service]',
      'd: service other, emitted as gmsa-ready',
    ]);
  });
});

describe('scripts/stage-config.cjs', () => {
  const stageConfig = createRequire(import.meta.url)('../../scripts/stage-config.cjs') as (options: {
    resolveVariable: (name: string) => Promise<string>;
  }) => Promise<{ json: string; autoScalingGroups: string[] }>;
  const resolver = (stage: string) => async (name: string) =>
    ({ 'sls:stage': stage, 'self:service': 'gmsa-ready' })[name] ?? '';

  it('serves the stage config that osls asks for', async () => {
    const outputs = await stageConfig({ resolveVariable: resolver('example') });
    expect(JSON.parse(outputs.json)).toEqual(example);
  });

  it('fails loudly for a stage without a config file', async () => {
    await expect(stageConfig({ resolveVariable: resolver('no-such-stage') })).rejects.toThrow(
      /cannot read .*config\/no-such-stage\.yml/,
    );
  });
});
