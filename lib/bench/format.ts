// The benchmark's text report and the results.md table row.
import type { BenchReport } from './run';
import type { Spread } from './stats';

const s = (x: Spread) => `p50 ${x.p50} s  p90 ${x.p90} s  max ${x.max} s`;

export function formatBench(r: BenchReport): string {
  const calls = Object.entries(r.awsCalls)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([api, n]) => `    ${api.padEnd(46)} ${n}`);
  const functions = Object.entries(r.lambda.byFunction).map(
    ([name, f]) => `    ${name.padEnd(16)} ${String(f.invocations).padStart(7)} invocations  ${f.busySeconds} s busy`,
  );
  return [
    `gmsa-ready bench: ${r.instances} Windows hosts of fleet '${r.fleet}', launches and terminations spread over ${r.rampSeconds} s (seed ${r.seed})`,
    `  ready ${r.ready}/${r.instances}, terminated ${r.terminated}/${r.instances}, world quiet: ${r.quiet}, failed invocations: ${r.failedInvocations}, access denied: ${r.accessDenied}`,
    `  lifecycle timeouts ${r.lifecycleTimeouts}; quotas ${Object.keys(r.quotas.limits).length > 0 ? 'modelled' : 'off'}, throttled responses: ${formatThrottled(r.quotas.throttled)}`,
    `  virtual time, first launch to last host ready: ${r.firstToLastReadySeconds} s`,
    `  time to ready        ${s(r.timeToReady)}`,
    `  overhead (no AWS)    ${s(r.overhead)}`,
    `  time to terminate    ${s(r.timeToTerminate)}`,
    `  sleeps in handlers   ${r.sleeps}   (timers created and cleared unfired: ${r.guardTimers})`,
    `  management commands  ${r.managementCommands}   (GroupChange resolve ${r.commands.groupChangeResolve} + add ${r.commands.groupChangeAdd} + remove ${r.commands.groupChangeRemove}; plus ${r.commands.listMembers} hourly ListMembers of the scavenger, whatever the burst size)`,
    `  Lambda per host      ${r.lambda.invocationsPerHost} invocations, ${r.lambda.busySecondsPerHost} busy-seconds (in-process sandbox execution)`,
    ...functions,
    `  DynamoDB per host    ${r.dynamodb.readRequestUnitsPerHost} RRU, ${r.dynamodb.writeRequestUnitsPerHost} WRU (estimated)`,
    `  ${perHostCheck(r).slice(2)}`,
    '  AWS calls per host (launch + terminate):',
    ...calls,
    `  wall ${r.wallSeconds} s, peak RSS ${r.peakMemoryMB} MB, virtual ${r.virtualSeconds} s`,
    '',
  ].join('\n');
}

function formatThrottled(throttled: Record<string, number>): string {
  const entries = Object.entries(throttled).sort(([a], [b]) => a.localeCompare(b));
  return entries.length === 0 ? 'none' : entries.map(([api, n]) => `${api} ${n}`).join(', ');
}

/** The results.md table: one row per burst size, the targets checked against the smallest run. */
export function burstTable(reports: BenchReport[]): string {
  const head =
    '| hosts | ramp (s) | ready | sleeps | lifecycle timeouts | failed invocations | throttled responses | mgmt commands (resolve/add/remove; bound 2xceil(N/50)+2) | time to ready p50/p90/max (s) | overhead p50/p90/max (s) | first launch to last ready (s) | Lambda invocations / host | busy-s / host | AWS calls / host | wall (s) | peak RSS (MB) |';
  const rule = `|${head
    .split('|')
    .slice(1, -1)
    .map(() => '---')
    .join('|')}|`;
  const rows = reports.map((r) => {
    const calls = Object.values(r.awsCalls).reduce((sum, n) => sum + n, 0);
    const c = r.commands;
    const throttled = Object.values(r.quotas.throttled).reduce((sum, n) => sum + n, 0);
    return `| ${r.instances} | ${r.rampSeconds} | ${r.ready} | ${r.sleeps} | ${r.lifecycleTimeouts} | ${r.failedInvocations} | ${throttled} | ${r.managementCommands} (${c.groupChangeResolve}/${c.groupChangeAdd}/${c.groupChangeRemove}; ${managementBound(r.instances)}) | ${r.timeToReady.p50} / ${r.timeToReady.p90} / ${r.timeToReady.max} | ${r.overhead.p50} / ${r.overhead.p90} / ${r.overhead.max} | ${r.firstToLastReadySeconds} | ${r.lambda.invocationsPerHost} | ${r.lambda.busySecondsPerHost} | ${calls.toFixed(1)} | ${r.wallSeconds} | ${r.peakMemoryMB} |`;
  });
  return [head, rule, ...rows].join('\n');
}

/** DynamoDB calls that write (the store's host records, command refs, claims, markers). */
const DYNAMO_WRITES = /^dynamodb:(Put|Update|Delete|BatchWrite|TransactWrite)/;

/** Issue 16's per-host ceilings for a launch + terminate: AWS calls outside DynamoDB, DynamoDB writes, write units. */
export const PER_HOST_TARGETS = { nonDynamoCalls: 20, dynamoWrites: 12, writeUnits: 40 } as const;

/** A run's per-host figures against PER_HOST_TARGETS. */
export function perHostFigures(r: BenchReport): Record<keyof typeof PER_HOST_TARGETS, number> {
  const sum = (keep: (api: string) => boolean) =>
    Object.entries(r.awsCalls).reduce((total, [api, n]) => (keep(api) ? total + n : total), 0);
  const round = (n: number) => Math.round(n * 100) / 100;
  return {
    nonDynamoCalls: round(sum((api) => !api.startsWith('dynamodb:'))),
    dynamoWrites: round(sum((api) => DYNAMO_WRITES.test(api))),
    writeUnits: r.dynamodb.writeRequestUnitsPerHost,
  };
}

/** One line per run: the per-host figures, each with its ceiling and whether it was met. */
export function perHostCheck(r: BenchReport): string {
  const figures = perHostFigures(r);
  const labels = {
    nonDynamoCalls: 'AWS calls outside DynamoDB',
    dynamoWrites: 'DynamoDB writes',
    writeUnits: 'write units',
  };
  const parts = (Object.keys(PER_HOST_TARGETS) as (keyof typeof PER_HOST_TARGETS)[]).map(
    (key) =>
      `${labels[key]} ${figures[key]} (<= ${PER_HOST_TARGETS[key]}: ${figures[key] <= PER_HOST_TARGETS[key] ? 'met' : 'NOT met'})`,
  );
  return `- per host, ${r.instances} hosts: ${parts.join(', ')}`;
}

/** The issue's ceiling on a burst's management commands: full batches each way, plus two. */
export function managementBound(instances: number): number {
  return 2 * Math.ceil(instances / 50) + 2;
}

/** The modelled quotas and the throttled responses each run met, one column per burst size. */
export function quotasTable(reports: BenchReport[]): string {
  const limits = reports.find((r) => Object.keys(r.quotas.limits).length > 0)?.quotas.limits ?? {};
  const apis = [
    ...new Set([...Object.keys(limits), ...reports.flatMap((r) => Object.keys(r.quotas.throttled))]),
  ].sort();
  const head = `| API | limit (/s; lambda: concurrent) | ${reports.map((r) => `throttled, ${r.instances} hosts`).join(' | ')} |`;
  const rule = `|---|---|${reports.map(() => '---').join('|')}|`;
  return [
    head,
    rule,
    ...apis.map(
      (api) => `| ${api} | ${limits[api] ?? '-'} | ${reports.map((r) => r.quotas.throttled[api] ?? 0).join(' | ')} |`,
    ),
  ].join('\n');
}

/** AWS calls per host by API, one column per burst size. */
export function callsTable(reports: BenchReport[]): string {
  const apis = [...new Set(reports.flatMap((r) => Object.keys(r.awsCalls)))].sort();
  const head = `| API | ${reports.map((r) => `${r.instances} hosts`).join(' | ')} |`;
  const rule = `|---|${reports.map(() => '---').join('|')}|`;
  return [
    head,
    rule,
    ...apis.map((api) => `| ${api} | ${reports.map((r) => r.awsCalls[api] ?? 0).join(' | ')} |`),
  ].join('\n');
}
