// Human output of a sandbox run: a line per modelled happening while it runs, a table at the end.
import type { Observation } from '../sandbox/model/types';
import type { Report } from '../sandbox/report';
import { oneLine } from '../text/terminal';

export function clock(seconds: number): string {
  const s = Math.floor(seconds);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `+${pad(Math.floor(s / 3600))}:${pad(Math.floor((s % 3600) / 60))}:${pad(s % 60)}`;
}

export function progressLine(o: Observation): string {
  const id = oneLine(o.instanceId ?? 'management');
  return `${clock(o.at)}  ${id.padEnd(19)}  ${oneLine(o.step).padEnd(11)}  ${oneLine(o.detail)}\n`;
}

const HEADERS = ['INSTANCE', 'FLEET', 'COMPUTER', 'STATUS', 'LIFECYCLE', 'IN GROUP', 'ACCOUNT', 'ECS READY', 'REASON'];

export function reportTable(report: Report): string {
  const rows = report.instances.map((i) =>
    [
      i.instanceId,
      i.fleet ?? '-',
      i.computerName,
      i.status,
      i.lifecycleResult ?? (i.lifecycleErrors.length ? 'refused' : '-'),
      i.inHostGroup ? 'yes' : 'no',
      i.computerAccount,
      i.ecsReady ? 'yes' : 'no',
      i.reason ?? i.lifecycleErrors[0] ?? '-',
    ].map(oneLine),
  );
  const lines = [HEADERS, ...rows];
  const widths = HEADERS.map((_, c) => Math.max(...lines.map((line) => line[c]?.length ?? 0)));
  const table = lines.map((line) =>
    line.map((cell, c) => (c === line.length - 1 ? cell : cell.padEnd(widths[c] ?? 0))).join('  '),
  );
  const groups = Object.entries(report.directory.groups).map(
    ([g, members]) => `${g}: ${members.join(', ') || '(empty)'}`,
  );
  const summary = [
    `virtual time ${clock(report.clock.virtualSeconds).slice(1)} in ${report.clock.wallSeconds.toFixed(1)} s of wall time; ${report.commands.length} Run Commands; seed ${report.seed.run}${report.seed.chaos === undefined ? '' : `, chaos seed ${report.seed.chaos}`}`,
    `directory groups: ${groups.join('; ') || '(none)'}`,
    `computer accounts: ${report.directory.computers.join(', ') || '(none)'}`,
    report.invariants.held
      ? 'invariants: all five held'
      : `INVARIANTS VIOLATED: ${report.invariants.violations.map((v) => `#${v.invariant} ${v.instanceId}: ${v.message}`).join('; ')}`,
    ...(report.sandbox.quiet ? [] : ['WARNING: the world was still busy when the virtual-time cap stopped it']),
    ...report.rejected.map((r) => `rejected ${r.source}: ${r.error}`),
    ...report.sandbox.failedInvocations.map((f) => `failed invocation ${f.source}: ${f.error}`),
  ].map(oneLine);
  return `${[...table, '', ...summary].join('\n')}\n`;
}
