// CloudWatch alarms: per-fleet workflow alarms on the metrics in lib/workflow/metrics.ts, rejected events
// per intake, and dead-letter queues that are not empty. Missing data never alarms: no launches, no problem.
import { METRIC_NAMESPACE, METRIC_SERVICE, type MetricName, metricCatalog } from '../workflow/metrics';
import { type CfnValue, getAtt } from './cfn';
import { logicalIdPart, type StageNames } from './names';

export interface AlarmInput {
  names: StageNames;
  fleets: string[];
  alarmTopicArn?: string;
  /** Sources that emit EventRejected (the intake functions). */
  rejectSources: string[];
  /** Dead-letter queues by logical id. */
  deadLetterQueues: string[];
}

interface AlarmSpec {
  name: string;
  description: string;
  namespace: string;
  metric: string;
  dimensions: Record<string, CfnValue>;
  statistic: 'Sum' | 'Maximum';
  threshold: number;
}

/** An alarm on one of our metrics: namespace and the `service` dimension are added from the catalog. */
interface MetricAlarm extends Omit<AlarmSpec, 'namespace' | 'metric' | 'dimensions'> {
  id: string;
  metric: MetricName;
  dimensions: Record<string, string>;
}

const PERIOD_SECONDS = 300;

function alarmResource(input: AlarmInput, alarm: AlarmSpec) {
  const actions = input.alarmTopicArn ? [input.alarmTopicArn] : [];
  return {
    Type: 'AWS::CloudWatch::Alarm',
    Properties: {
      AlarmName: `${input.names.service}-${input.names.stage}-${alarm.name}`,
      AlarmDescription: alarm.description,
      Namespace: alarm.namespace,
      MetricName: alarm.metric,
      Dimensions: Object.entries(alarm.dimensions).map(([Name, Value]) => ({ Name, Value })),
      Statistic: alarm.statistic,
      Period: PERIOD_SECONDS,
      EvaluationPeriods: 1,
      Threshold: alarm.threshold,
      ComparisonOperator: 'GreaterThanThreshold',
      TreatMissingData: 'notBreaching',
      AlarmActions: actions,
      OKActions: actions,
    },
  };
}

function workflowAlarms(input: AlarmInput): MetricAlarm[] {
  const perFleet = input.fleets.flatMap((fleet): MetricAlarm[] => {
    const id = logicalIdPart(fleet);
    return [
      {
        id: `LaunchFailedAlarm${id}`,
        name: `LaunchFailed-${fleet}`,
        description: `A launch of fleet ${fleet} failed: see the dashboard's latest failures or \`gmsa-ready status --fleet ${fleet}\`.`,
        metric: 'LaunchFailed',
        dimensions: { Fleet: fleet },
        statistic: 'Sum',
        threshold: 0,
      },
      {
        id: `CleanupPendingAlarm${id}`,
        name: `CleanupPendingOverAnHour-${fleet}`,
        description: `A directory cleanup of fleet ${fleet} has been pending for more than an hour.`,
        metric: 'OldestCleanupPendingSeconds',
        dimensions: { Fleet: fleet },
        statistic: 'Maximum',
        threshold: 3600,
      },
      {
        id: `InFlightOverdueAlarm${id}`,
        name: `InFlightOverdue-${fleet}`,
        description: `A host of fleet ${fleet} has been in flight longer than its lifecycle hook's heartbeat timeout.`,
        metric: 'InFlightOverdue',
        dimensions: { Fleet: fleet },
        statistic: 'Maximum',
        threshold: 0,
      },
    ];
  });
  const rejected = input.rejectSources.map(
    (source): MetricAlarm => ({
      id: `EventRejectedAlarm${logicalIdPart(source)}`,
      name: `EventRejected-${source}`,
      description: `The ${source} function rejected an event (unknown group or invalid input): check its log.`,
      metric: 'EventRejected',
      dimensions: { Source: source },
      statistic: 'Sum',
      threshold: 0,
    }),
  );
  return [...perFleet, ...rejected];
}

export function buildAlarms(input: AlarmInput): Record<string, unknown> {
  const ids = new Set<string>();
  const resources: Record<string, unknown> = {};
  const add = (id: string, resource: unknown) => {
    // Two fleet names can map to one logical id (a-b and a--b): refuse rather than overwrite an alarm.
    if (ids.has(id)) throw new Error(`two alarms would share the logical id ${id}: rename one of the fleets`);
    ids.add(id);
    resources[id] = resource;
  };
  for (const alarm of workflowAlarms(input)) {
    const catalogDimensions = [...metricCatalog[alarm.metric].dimensions].sort();
    if (catalogDimensions.join() !== Object.keys(alarm.dimensions).sort().join())
      throw new Error(`alarm ${alarm.id} uses dimensions the catalog does not give ${alarm.metric}`);
    add(
      alarm.id,
      alarmResource(input, {
        ...alarm,
        namespace: METRIC_NAMESPACE,
        dimensions: { service: METRIC_SERVICE, ...alarm.dimensions },
      }),
    );
  }
  for (const queue of input.deadLetterQueues) {
    add(
      `${queue}Alarm`,
      alarmResource(input, {
        name: `${queue}-not-empty`,
        description: `${queue} holds messages that could not be processed: inspect and redrive them.`,
        namespace: 'AWS/SQS',
        metric: 'ApproximateNumberOfMessagesVisible',
        dimensions: { QueueName: getAtt(queue, 'QueueName') },
        statistic: 'Maximum',
        threshold: 0,
      }),
    );
  }
  return resources;
}
