// Plain-text views for the CLI: the status table and one instance's history.

import { remedyFor } from '../failures/catalogue';
import { oneLine } from '../text/terminal';
import type { HostRecord } from '../workflow/types';
import type { StatusRow } from './rows';
import { formatAge, isoTime } from './text';

const HEADERS = ['INSTANCE', 'FLEET', 'COMPUTER', 'STATUS', 'STEP', 'AGE', 'REASON'] as const;

/** Columns padded to their widest cell; REASON last and unpadded so long reasons don't widen the rest. */
export function formatStatusTable(rows: readonly StatusRow[]): string {
  const cells = rows.map((row) =>
    [row.instanceId, row.fleet, row.computerName, row.status, row.step, formatAge(row.ageSeconds), row.reason].map(
      (cell) => oneLine(cell) || '-',
    ),
  );
  const lines = [[...HEADERS], ...cells];
  const widths = HEADERS.map((_, column) => Math.max(...lines.map((line) => line[column]?.length ?? 0)));
  const text = lines.map((line) =>
    line
      .map((cell, column) => (column === line.length - 1 ? cell : cell.padEnd(widths[column] ?? 0)))
      .join('  ')
      .trimEnd(),
  );
  if (rows.length === 0) text.push('(no hosts)');
  return text.join('\n');
}

export function formatHistory(record: HostRecord): string {
  const field = (label: string, value: string) => `${label.padEnd(10)} ${oneLine(value)}`;
  const lines = [
    field('instance', `${record.instanceId}  fleet ${record.fleet}  ${record.platform} ${record.mode}`),
    field('status', `${record.status}  step ${record.step} since ${isoTime(record.stepStartedAt)}`),
    field('attempts', String(record.attempts)),
    field('computer', record.computerName ?? '-'),
    field('reason', record.reason ?? '-'),
  ];
  // A failed launch's classified failure (issue 15) and what to do about it (docs/troubleshooting.md).
  if (record.failure) {
    const { step, code, message } = record.failure;
    lines.push(field('failure', `${code} at ${step}: ${message}`));
    lines.push(field('remedy', `${remedyFor(code)} (docs/troubleshooting.md#${code})`));
  }
  const action = record.lifecycle;
  if (action) {
    const outcome = action.result
      ? `, ${action.result}${action.completedAt === undefined ? '' : ` at ${isoTime(action.completedAt)}`}`
      : ', open';
    lines.push(
      field(
        'lifecycle',
        `${action.transition} hook ${action.hookName} on ${action.autoScalingGroupName}, started ${isoTime(action.startedAt)}, ` +
          `${action.heartbeats} heartbeat(s)${outcome}`,
      ),
    );
  } else {
    lines.push(field('lifecycle', '-'));
  }
  lines.push('history');
  if (record.history.length === 0) lines.push('  (none)');
  const stepWidth = Math.max(0, ...record.history.map((entry) => entry.step.length));
  for (const entry of record.history) {
    lines.push(`  ${isoTime(entry.at)}  ${entry.step.padEnd(stepWidth)}  ${oneLine(entry.detail)}`.trimEnd());
  }
  return lines.join('\n');
}
