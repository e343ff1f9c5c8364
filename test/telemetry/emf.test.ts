// Every workflow outcome's metrics, as CloudWatch will read them: the EMF that Powertools prints.
import { Metrics } from '@aws-lambda-powertools/metrics';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { powertoolsTelemetry } from '../../lib/telemetry';
import { gauges } from '../../lib/workflow/gauges';
import { METRIC_NAMESPACE, METRIC_SERVICE, metricCatalog } from '../../lib/workflow/metrics';
import type { Effect } from '../../lib/workflow/types';
import { config, DEAUTH_CMD, done, Host, lifecycle, readyHost, sent, status, tick } from '../workflow/harness';

interface Emf {
  _aws: {
    CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string; Unit: string }[] }[];
  };
  [key: string]: unknown;
}

let lines: string[] = [];

beforeEach(() => {
  vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'false');
  lines = [];
  vi.spyOn(console, 'log').mockImplementation((line: unknown) => {
    lines.push(String(line));
  });
});
afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

/** Publishes the metric effects through the real telemetry and parses what Powertools printed. */
function emit(effects: Effect[]): Emf[] {
  const telemetry = powertoolsTelemetry(
    undefined,
    new Metrics({ namespace: METRIC_NAMESPACE, serviceName: METRIC_SERVICE }),
  );
  for (const e of effects) if (e.type === 'metric') telemetry.metric(e.datum);
  return lines.map((line) => JSON.parse(line) as Emf);
}

function metric(blobs: Emf[], name: string) {
  return blobs
    .filter((b) => b._aws.CloudWatchMetrics[0]?.Metrics.some((m) => m.Name === name))
    .map((b) => ({
      value: b[name],
      dims: b._aws.CloudWatchMetrics[0]?.Dimensions[0],
      fleet: b.Fleet,
      step: b.Step,
      unit: b._aws.CloudWatchMetrics[0]?.Metrics[0]?.Unit,
    }));
}

describe('EMF emission per workflow outcome', () => {
  it('a launch that becomes ready: started, ready, time to ready, step durations', () => {
    const h = readyHost();
    const blobs = emit(h.all);
    expect(metric(blobs, 'LaunchStarted')).toEqual([
      { value: 1, dims: ['service', 'Fleet'], fleet: 'orders', step: undefined, unit: 'Count' },
    ]);
    expect(metric(blobs, 'LaunchReady')).toHaveLength(1);
    const [ttr] = metric(blobs, 'TimeToReady');
    expect(ttr).toMatchObject({ value: h.at - 1_800_000_000, unit: 'Seconds', dims: ['service', 'Fleet'] });
    const durations = metric(blobs, 'StepDuration');
    expect(durations.map((d) => d.step)).toEqual([
      'agent',
      'join',
      'identify',
      'resolve',
      'authorize',
      'refresh',
      'verify',
      'ready',
      'complete',
    ]);
    expect(durations.every((d) => d.unit === 'Seconds' && (d.dims ?? []).join() === 'service,Fleet,Step')).toBe(true);
    expect(metric(blobs, 'LaunchFailed')).toEqual([]);
    for (const b of blobs) {
      expect(b._aws.CloudWatchMetrics[0]?.Namespace).toBe('GmsaReady');
      expect(b.service).toBe('gmsa-ready');
    }
  });

  it('a launch that fails: the failing step and the failure', () => {
    const h = new Host().send(lifecycle('launch')).after(1000, tick).now(done('completeLifecycleAction'));
    const blobs = emit(h.all);
    expect(metric(blobs, 'StepFailed')).toEqual([
      { value: 1, dims: ['service', 'Fleet', 'Step'], fleet: 'orders', step: 'agent', unit: 'Count' },
    ]);
    expect(metric(blobs, 'LaunchFailed')).toHaveLength(1);
    expect(metric(blobs, 'LaunchReady')).toEqual([]);
  });

  it('a termination, a failed cleanup and a heartbeat', () => {
    const h = readyHost()
      .after(60, (at) => lifecycle('terminate', at, { token: '66666666-7777-8888-9999-000000000000' }))
      .now(done('deleteReadyAttribute'))
      .now(done('drain'))
      .now((at) => ({ type: 'drainStatus', at, standaloneTasks: 0 }))
      .now(sent('deauthorize', DEAUTH_CMD))
      .after(5, status(DEAUTH_CMD, 'Failed'))
      .now(done('completeLifecycleAction'));
    expect(metric(emit(h.all), 'CleanupFailed')).toHaveLength(1);
    lines = [];
    const beat = new Host().send(lifecycle('launch')).after(1800, tick).now(done('recordHeartbeat'));
    expect(metric(emit(beat.all), 'HeartbeatSent')).toEqual([
      { value: 1, dims: ['service', 'Fleet'], fleet: 'orders', step: undefined, unit: 'Count' },
    ]);
  });

  it('the reconciler gauges, zero included for every fleet', () => {
    const launching = new Host().send(lifecycle('launch')).r;
    const data = gauges(config, [launching], launching.createdAt + 10);
    const blobs = emit(data.map((datum) => ({ type: 'metric', datum })));
    expect(metric(blobs, 'InFlight')).toEqual([
      { value: 1, dims: ['service', 'Fleet', 'Step'], fleet: 'orders', step: 'agent', unit: 'Count' },
    ]);
    expect(metric(blobs, 'CleanupsPending').map((m) => [m.fleet, m.value])).toEqual(
      config.fleets.map((f) => [f.name, 0]),
    );
    expect(metric(blobs, 'InFlightOverdue').map((m) => m.value)).toEqual([0, 0, 0]);
  });

  it('only ever emits catalogued metrics with their catalogued unit and dimensions', () => {
    const h = readyHost();
    const all = [...h.all, ...gauges(config, [h.r], h.at).map((datum) => ({ type: 'metric', datum }) as Effect)];
    for (const e of all) {
      if (e.type !== 'metric') continue;
      const entry = metricCatalog[e.datum.name as keyof typeof metricCatalog];
      expect(entry, e.datum.name).toBeDefined();
      expect(e.datum.unit).toBe(entry.unit);
      expect(Object.keys(e.datum.dimensions)).toEqual([...entry.dimensions]);
    }
  });
});
