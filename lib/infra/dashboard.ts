// The CloudWatch dashboard body, one per stage: join funnel, time to ready, failures by step, pending
// cleanups, in-flight hosts by step, terminations, rejected events and the latest failures from the logs.
// Every metric comes from lib/workflow/metrics.ts; per-step metrics use SEARCH so new steps show up unlisted.
import { METRIC_NAMESPACE, METRIC_SERVICE, type MetricName, metricCatalog } from '../workflow/metrics';

export interface DashboardInput {
  fleets: string[];
  /** Log groups of the functions that run the workflow. */
  logGroupNames: string[];
  /** Region of the metrics; a literal or a CloudFormation ${AWS::Region} reference resolved by Fn::Sub. */
  region: string;
  /** Sources that emit EventRejected. */
  rejectSources: string[];
}

type MetricLine = (string | Record<string, unknown>)[];
interface Widget {
  type: 'metric' | 'log' | 'text';
  x: number;
  y: number;
  width: number;
  height: number;
  properties: Record<string, unknown>;
}

const PERIOD = 300;
const WIDTH = 12;
const HEIGHT = 6;

/** [namespace, name, service, <svc>, dim, value, ..., options]: the dimension set the metric is emitted with. */
function metric(name: MetricName, dimensions: Record<string, string>, options: Record<string, unknown>): MetricLine {
  const catalog = [...metricCatalog[name].dimensions].sort().join();
  if (catalog !== Object.keys(dimensions).sort().join()) throw new Error(`dashboard: wrong dimensions for ${name}`);
  return [METRIC_NAMESPACE, name, 'service', METRIC_SERVICE, ...Object.entries(dimensions).flat(), options];
}

/** A SEARCH over every value of the catalog's dimensions (e.g. every Fleet x Step). */
function search(name: MetricName, stat: string, id: string): MetricLine {
  const schema = [METRIC_NAMESPACE, ...[...metricCatalog[name].dimensions, 'service'].sort()].join(',');
  return [{ expression: `SEARCH('{${schema}} MetricName="${name}"', '${stat}', ${PERIOD})`, id, label: '' }];
}

function metricWidget(title: string, region: string, metrics: MetricLine[], extra: Record<string, unknown> = {}) {
  return {
    type: 'metric' as const,
    properties: { title, region, view: 'timeSeries', period: PERIOD, metrics, ...extra },
  };
}

function logsQuery(logGroupNames: string[]): string {
  return [
    logGroupNames.map((group) => `SOURCE '${group}'`).join(' | '),
    'fields @timestamp, level, message, instanceId, fleet, failureCode, reason',
    "filter level = 'ERROR' or message like /failed/",
    'sort @timestamp desc',
    'limit 50',
  ].join(' | ');
}

/** Lays widgets out two per row, in order. */
function layout(widgets: Omit<Widget, 'x' | 'y' | 'width' | 'height'>[]): Widget[] {
  return widgets.map((widget, i) => ({
    ...widget,
    x: (i % 2) * WIDTH,
    y: Math.floor(i / 2) * HEIGHT,
    width: WIDTH,
    height: HEIGHT,
  }));
}

export function buildDashboardBody(input: DashboardInput): string {
  const { fleets, region } = input;
  const perFleet = (
    name: MetricName,
    stat: string,
    label: (fleet: string) => string,
    extra: Record<string, unknown> = {},
  ) => fleets.map((fleet) => metric(name, { Fleet: fleet }, { stat, label: label(fleet), ...extra }));

  const widgets = layout([
    metricWidget('Join funnel: started / ready / failed', region, [
      ...perFleet('LaunchStarted', 'Sum', (fleet) => `${fleet} started`),
      ...perFleet('LaunchReady', 'Sum', (fleet) => `${fleet} ready`),
      ...perFleet('LaunchFailed', 'Sum', (fleet) => `${fleet} failed`),
    ]),
    metricWidget(
      'Time to ready (seconds): p50 / p90 / max',
      region,
      ['p50', 'p90', 'Maximum'].flatMap((stat) => perFleet('TimeToReady', stat, (fleet) => `${fleet} ${stat}`)),
    ),
    metricWidget('Step failures by step', region, [search('StepFailed', 'Sum', 'stepFailed')], { stacked: true }),
    metricWidget('In flight by step', region, [search('InFlight', 'Maximum', 'inFlight')], { stacked: true }),
    metricWidget(
      'Pending cleanups and the oldest one (seconds)',
      region,
      [
        ...perFleet('CleanupsPending', 'Maximum', (fleet) => `${fleet} pending`),
        ...perFleet('OldestCleanupPendingSeconds', 'Maximum', (fleet) => `${fleet} oldest`, { yAxis: 'right' }),
      ],
      { annotations: { horizontal: [{ label: 'alarm: one hour', value: 3600, yAxis: 'right' }] } },
    ),
    metricWidget('Terminations, failed cleanups, overdue and failed hosts, unknown group members', region, [
      ...perFleet('TerminationDone', 'Sum', (fleet) => `${fleet} terminated`),
      ...perFleet('CleanupFailed', 'Sum', (fleet) => `${fleet} cleanup failed`),
      ...perFleet('InFlightOverdue', 'Maximum', (fleet) => `${fleet} overdue`),
      ...perFleet('FailedHosts', 'Maximum', (fleet) => `${fleet} failed hosts`),
      ...perFleet('UnknownGroupMembers', 'Maximum', (fleet) => `${fleet} unknown members`),
    ]),
    metricWidget(
      'Rejected events by source',
      region,
      input.rejectSources.map((source) => metric('EventRejected', { Source: source }, { stat: 'Sum', label: source })),
    ),
    {
      type: 'log',
      properties: {
        title: 'Latest failures: code and reason',
        region,
        view: 'table',
        query: logsQuery(input.logGroupNames),
      },
    },
  ]);
  return JSON.stringify({ start: '-PT12H', periodOverride: 'inherit', widgets });
}
