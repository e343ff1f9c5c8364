// Everything serverless.yml derives from config/<stage>.yml at package time (through
// scripts/stage-config.cjs): the validated config for the functions' environment, the groups the
// lifecycle rule matches, and the config-shaped resources (IAM roles, alarms, dashboard).
import type { Config } from '../config/schema';
import { buildAlarms } from './alarms';
import { sub } from './cfn';
import { buildDashboardBody } from './dashboard';
import { buildRoles } from './iam';
import { IDS, logGroupName, type StageNames, WORKFLOW_FUNCTIONS } from './names';

/** Lambda allows 4 KB for all environment variables together; the config gets at most this much of it. */
export const MAX_CONFIG_ENV_BYTES = 3000;

/** The functions that emit EventRejected, as their Source dimension (directory: refused group changes). */
export const REJECT_SOURCES = ['lifecycle', 'command-status', 'directory'];

export const DEAD_LETTER_QUEUES = [IDS.wakeDlq, IDS.directoryDlq, IDS.eventsDlq, IDS.intakeFailures];

export interface StageOutputs {
  /** GMSA_READY_CONFIG: the validated config (defaults applied) as compact JSON. */
  json: string;
  /** Every fleet's Auto Scaling groups: the lifecycle rule and archive match exactly these. */
  autoScalingGroups: string[];
  /** Merged into serverless.yml's resources. */
  resources: { Resources: Record<string, unknown>; Outputs: Record<string, unknown> };
}

export function configEnvironmentValue(config: Config, source: string): string {
  const json = JSON.stringify(config);
  const bytes = Buffer.byteLength(json, 'utf8');
  if (bytes > MAX_CONFIG_ENV_BYTES)
    throw new Error(
      `${source} is ${bytes} bytes as JSON; GMSA_READY_CONFIG may use at most ${MAX_CONFIG_ENV_BYTES} of Lambda's 4 KB environment: split the fleets across stages`,
    );
  return json;
}

export function buildStage(config: Config, names: StageNames, source: string): StageOutputs {
  const fleets = config.fleets.map((fleet) => fleet.name);
  const dashboardName = `${names.service}-${names.stage}`;
  const body = buildDashboardBody({
    fleets,
    logGroupNames: WORKFLOW_FUNCTIONS.map((key) => logGroupName(names, key)),
    region: `\${AWS::Region}`,
    rejectSources: REJECT_SOURCES,
  });
  return {
    json: configEnvironmentValue(config, source),
    autoScalingGroups: config.fleets.flatMap((fleet) => fleet.autoScalingGroups),
    resources: {
      Resources: {
        ...buildRoles(config, names),
        ...buildAlarms({
          names,
          fleets,
          alarmTopicArn: config.alarmTopicArn,
          rejectSources: REJECT_SOURCES,
          deadLetterQueues: DEAD_LETTER_QUEUES,
        }),
        [IDS.dashboard]: {
          Type: 'AWS::CloudWatch::Dashboard',
          Properties: { DashboardName: dashboardName, DashboardBody: sub(body) },
        },
      },
      Outputs: {
        DashboardName: { Description: 'CloudWatch dashboard of this stage', Value: dashboardName },
      },
    },
  };
}
