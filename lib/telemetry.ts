// Powertools logger, metrics and tracer, shared by every handler, and the engine's Telemetry over them.
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { Tracer } from '@aws-lambda-powertools/tracer';
import type { Telemetry } from './engine/engine';
import { METRIC_NAMESPACE, METRIC_SERVICE } from './workflow/metrics';

export const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? METRIC_SERVICE });
export const metrics = new Metrics({
  namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? METRIC_NAMESPACE,
  serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? METRIC_SERVICE,
});

/** Each datum is its own EMF blob: its dimensions (Fleet, Step) differ from the next one's. */
export function powertoolsTelemetry(log: Logger = logger, emf: Metrics = metrics): Telemetry {
  return {
    metric(datum) {
      const single = emf.singleMetric();
      for (const [name, value] of Object.entries(datum.dimensions)) single.addDimension(name, value);
      single.addMetric(datum.name, datum.unit === 'Seconds' ? MetricUnit.Seconds : MetricUnit.Count, datum.value);
    },
    log(level, message, fields) {
      log[level](message, fields);
    },
  };
}

export const tracer = new Tracer({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? METRIC_SERVICE });
