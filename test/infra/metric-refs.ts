// Which metrics a dashboard body and the alarms reference, and whether each is one the code emits:
// same namespace, a name in lib/workflow/metrics.ts, and exactly its dimensions plus Powertools' `service`.
import { METRIC_NAMESPACE, METRIC_SERVICE, metricCatalog } from '../../lib/workflow/metrics';
import type { Json } from './template';

export interface MetricRef {
  where: string;
  namespace: string;
  name: string;
  /** Dimension names (values are not checked: fleets and steps vary). */
  dimensions: string[];
  /** The `service` dimension's value when the reference pins it. */
  service?: string;
}

type Line = unknown[];

/** Metric lines ([ns, name, dim, value, ..., {options}]) and SEARCH expressions of a dashboard body. */
export function dashboardMetricRefs(body: string): MetricRef[] {
  const dashboard = JSON.parse(body) as {
    widgets: { type: string; properties: { title?: string; metrics?: Line[] } }[];
  };
  return dashboard.widgets.flatMap((widget) =>
    (widget.properties.metrics ?? []).flatMap((line): MetricRef[] => {
      const where = `widget "${widget.properties.title}"`;
      const [first] = line;
      if (typeof first === 'object' && first && 'expression' in first) {
        const expression = String((first as { expression: string }).expression);
        const search = /SEARCH\('\{([^}]*)\}\s+MetricName="([^"]+)"/.exec(expression);
        if (!search) return [{ where: `${where} expression ${expression}`, namespace: '?', name: '?', dimensions: [] }];
        const [namespace = '', ...dimensions] = (search[1] ?? '').split(',').map((part) => part.trim());
        return [{ where, namespace, name: search[2] ?? '', dimensions }];
      }
      const strings = line.filter((part): part is string => typeof part === 'string');
      const [namespace = '', name = '', ...pairs] = strings;
      const dimensions = pairs.filter((_, i) => i % 2 === 0);
      const service = pairs[pairs.indexOf('service') + 1];
      return [{ where, namespace, name, dimensions, ...(pairs.includes('service') ? { service } : {}) }];
    }),
  );
}

/** The references of AWS::CloudWatch::Alarm resources in our namespace (AWS/* alarms are not ours to check). */
export function alarmMetricRefs(alarms: [string, { Properties: Record<string, Json> }][]): MetricRef[] {
  return alarms
    .filter(([, alarm]) => !String(alarm.Properties.Namespace).startsWith('AWS/'))
    .map(([id, alarm]) => {
      const dimensions = (alarm.Properties.Dimensions ?? []) as { Name: string; Value: unknown }[];
      const service = dimensions.find((dimension) => dimension.Name === 'service')?.Value;
      return {
        where: `alarm ${id}`,
        namespace: alarm.Properties.Namespace,
        name: alarm.Properties.MetricName,
        dimensions: dimensions.map((dimension) => dimension.Name),
        ...(service === undefined ? {} : { service: String(service) }),
      };
    });
}

export function metricRefViolations(refs: MetricRef[]): string[] {
  return refs.flatMap((ref) => {
    if (ref.namespace !== METRIC_NAMESPACE)
      return [`${ref.where}: namespace ${ref.namespace}, not ${METRIC_NAMESPACE}`];
    const entry = metricCatalog[ref.name as keyof typeof metricCatalog];
    if (!entry) return [`${ref.where}: ${ref.name} is not in lib/workflow/metrics.ts`];
    const expected = [...entry.dimensions, 'service'].sort().join(',');
    const actual = [...ref.dimensions].sort().join(',');
    const problems =
      actual === expected ? [] : [`${ref.where}: ${ref.name} with dimensions [${actual}], emitted with [${expected}]`];
    if (ref.service !== undefined && ref.service !== METRIC_SERVICE)
      problems.push(`${ref.where}: service ${ref.service}, emitted as ${METRIC_SERVICE}`);
    return problems;
  });
}
