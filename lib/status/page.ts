// The status page: a self-contained HTML document (inline CSS, no scripts, no external assets) with
// per-fleet counts, hosts in flight, failed hosts and one instance's timeline. Every value goes
// through `html`, which escapes it; ids and data-* attributes are stable hooks for browser tests.
import { remedyFor } from '../failures/catalogue';
import type { HostRecord } from '../workflow/types';
import { html, Markup } from './html';
import { type StatusRow, statusRows } from './rows';
import { isInFlight, STATUSES } from './statuses';
import { fleetSummary } from './summary';
import { formatAge, isoTime } from './text';

export interface StatusPageInput {
  records: readonly HostRecord[];
  /** Epoch seconds. */
  now: number;
  title: string;
  selectedInstanceId?: string;
  /** Some statuses were read only in part: counts are lower bounds. */
  truncated?: boolean;
}

const STYLE = `
:root { color-scheme: light; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: #1f2328; background: #f6f8fa; }
header, main { max-width: 1200px; margin: 0 auto; padding: 0 24px; }
header { padding-top: 20px; }
h1 { font-size: 22px; margin: 0 0 4px; }
h2 { font-size: 16px; margin: 0 0 10px; }
.meta, .empty { color: #59636e; margin: 0; }
.notice { background: #fff8c5; border: 1px solid #d4a72c; border-radius: 6px; padding: 8px 12px; margin: 12px 0 0; }
section { background: #fff; border: 1px solid #d1d9e0; border-radius: 8px; padding: 16px; margin: 16px 0; overflow-x: auto; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: 6px 10px; border-bottom: 1px solid #eaeef2; vertical-align: top; }
th { font-weight: 600; color: #59636e; font-size: 12px; text-transform: uppercase; letter-spacing: .03em; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
td.zero { color: #b0b8c1; }
code, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 13px; }
a { color: #0550ae; text-decoration: none; }
a:hover { text-decoration: underline; }
.badge { display: inline-block; padding: 1px 8px; border-radius: 10px; font-size: 12px; font-weight: 600; background: #eaeef2; }
.s-READY { background: #dafbe1; color: #116329; }
.s-FAILED { background: #ffebe9; color: #a40e26; }
.s-LAUNCHING, .s-TERMINATING { background: #ddf4ff; color: #0550ae; }
.s-CLEANUP_PENDING { background: #fff8c5; color: #7d4e00; }
.reason { color: #a40e26; white-space: pre-wrap; word-break: break-word; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: 4px 16px; margin: 0 0 12px; }
dt { color: #59636e; }
dd { margin: 0; }
`;

function instanceLink(instanceId: string): Markup {
  return html`<a class="mono" href="?instance=${encodeURIComponent(instanceId)}">${instanceId}</a>`;
}

function badge(status: string): Markup {
  return html`<span class="badge s-${status}">${status}</span>`;
}

function fleetsSection(records: readonly HostRecord[]): Markup {
  const fleets = fleetSummary(records);
  const rows = fleets.map((fleet) => {
    const steps = Object.entries(fleet.inFlightByStep)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([step, count]) => `${step} ${count}`);
    return html`<tr id="fleet-${fleet.fleet}" data-fleet="${fleet.fleet}">
<td>${fleet.fleet}</td><td class="num" data-count="total">${fleet.total}</td>${STATUSES.map(
      (status) =>
        html`<td class="num${fleet.byStatus[status] === 0 ? ' zero' : ''}" data-count="${status}">${fleet.byStatus[status]}</td>`,
    )}<td data-steps>${steps.join(' · ') || '-'}</td></tr>`;
  });
  return html`<section id="fleets"><h2>Fleets</h2>${
    fleets.length === 0
      ? html`<p class="empty">No hosts recorded.</p>`
      : html`<table><thead><tr><th>Fleet</th><th>Total</th>${STATUSES.map((s) => html`<th>${s}</th>`)}<th>In flight by step</th></tr></thead>
<tbody>${rows}</tbody></table>`
  }</section>`;
}

function hostTable(id: string, heading: string, rows: StatusRow[], empty: string, withStep: boolean): Markup {
  const body = rows.map(
    (
      row,
    ) => html`<tr data-instance="${row.instanceId}" data-status="${row.status}"${withStep ? html` data-step="${row.step}"` : ''}>
<td>${instanceLink(row.instanceId)}</td><td>${row.fleet}</td><td class="mono">${row.computerName || '-'}</td>
<td>${badge(row.status)}</td>${withStep ? html`<td>${row.step}</td>` : ''}<td class="num">${formatAge(row.ageSeconds)}</td>
<td class="reason">${row.reason}</td></tr>`,
  );
  return html`<section id="${id}"><h2>${heading} (${rows.length})</h2>${
    rows.length === 0
      ? html`<p class="empty">${empty}</p>`
      : html`<table><thead><tr><th>Instance</th><th>Fleet</th><th>Computer</th><th>Status</th>${withStep ? html`<th>Step</th>` : ''}<th>Age</th><th>Reason</th></tr></thead>
<tbody>${body}</tbody></table>`
  }</section>`;
}

function timelineSection(instanceId: string, record: HostRecord | undefined): Markup {
  if (!record) {
    return html`<section id="timeline" data-instance="${instanceId}"><h2>Timeline of ${instanceId}</h2>
<p class="empty">No record for this instance.</p></section>`;
  }
  const action = record.lifecycle;
  const lifecycle = action
    ? `${action.transition} · ${action.hookName} on ${action.autoScalingGroupName} · started ${isoTime(action.startedAt)} · ` +
      `${action.heartbeats} heartbeat(s) · ${action.result ?? 'open'}${action.completedAt === undefined ? '' : ` at ${isoTime(action.completedAt)}`}`
    : '-';
  const entries = record.history.map(
    (
      entry,
    ) => html`<tr data-step="${entry.step}"><td class="mono"><time datetime="${isoTime(entry.at)}">${isoTime(entry.at)}</time></td>
<td>${entry.step}</td><td>${entry.detail}</td></tr>`,
  );
  return html`<section id="timeline" data-instance="${record.instanceId}"><h2>Timeline of ${record.instanceId}</h2>
<dl>
<dt>Fleet</dt><dd>${record.fleet} (${record.platform}, ${record.mode})</dd>
<dt>Status</dt><dd>${badge(record.status)} step ${record.step} since ${isoTime(record.stepStartedAt)}</dd>
<dt>Computer</dt><dd class="mono">${record.computerName ?? '-'}</dd>
<dt>Lifecycle</dt><dd>${lifecycle}</dd>
<dt>Reason</dt><dd class="reason">${record.reason ?? '-'}</dd>
${failureTerms(record)}</dl>
${
  entries.length === 0
    ? html`<p class="empty">No history.</p>`
    : html`<table><thead><tr><th>Time (UTC)</th><th>Step</th><th>Detail</th></tr></thead><tbody>${entries}</tbody></table>`
}</section>`;
}

/** A failed launch's code (issue 15), the line that showed it and what to do (docs/troubleshooting.md). */
function failureTerms(record: HostRecord): Markup | string {
  if (!record.failure) return '';
  const { step, code, message } = record.failure;
  return html`<dt>Failure</dt><dd class="failure" data-code="${code}"><code>${code}</code> at ${step}: ${message}</dd>
<dt>Remedy</dt><dd class="remedy">${remedyFor(code)}</dd>
`;
}

export function renderStatusPage({ records, now, title, selectedInstanceId, truncated }: StatusPageInput): string {
  const rows = statusRows(records, now);
  const inFlight = rows.filter((row) => isInFlight(row.status)).sort((a, b) => b.ageSeconds - a.ageSeconds);
  const failed = rows.filter((row) => row.status === 'FAILED').sort((a, b) => a.ageSeconds - b.ageSeconds);
  const selected =
    selectedInstanceId === undefined
      ? ''
      : timelineSection(
          selectedInstanceId,
          records.find((record) => record.instanceId === selectedInstanceId),
        );
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<style>${new Markup(STYLE)}</style>
</head>
<body>
<header>
<h1>${title}</h1>
<p class="meta">Generated <time id="generated-at" datetime="${isoTime(now)}">${isoTime(now)}</time> · ${records.length} host(s)</p>
${truncated ? html`<p class="notice" id="truncated">Only the most recent records of some statuses were read: counts are lower bounds.</p>` : ''}
</header>
<main>
${selected}
${fleetsSection(records)}
${hostTable('in-flight', 'In flight', inFlight, 'No hosts in flight.', true)}
${hostTable('failed', 'Failed', failed, 'No failed hosts.', false)}
</main>
</body>
</html>
`.text;
}
