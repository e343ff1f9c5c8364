// Draws the workflow's transition tables (LAUNCH, TERMINATE, the status routing and the handovers) as
// Markdown with Mermaid state diagrams: docs/state-machine.md is this function's output, checked by a test.
import { ADOPT, ADOPT_PLAN } from './adopt';
import { HANDOVERS, WORKFLOW } from './decide';
import { LAUNCH, PLAN } from './launch';
import type { Row, Table } from './table';
import { TERMINATE, TERMINATE_PLAN } from './terminate';
import type { Status, Step } from './types';

const GENERATED_BY =
  '<!-- Generated from lib/workflow/{launch,terminate,adopt,decide}.ts by lib/workflow/diagram.ts; do not edit. Regenerate: npm run docs:state-machine -->';

export function renderStateMachine(): string {
  return [
    GENERATED_BY,
    '# The state machine',
    '',
    'Every status and step a host record can take, drawn from the transition tables the core runs on:',
    '`LAUNCH` in `lib/workflow/launch.ts`, `TERMINATE` in `lib/workflow/terminate.ts`, and `WORKFLOW` and',
    '`HANDOVERS` in `lib/workflow/decide.ts`. `test/workflow/state-machine.test.ts` fails when this file is',
    'not what the tables draw; `npm run docs:state-machine` writes it again.',
    '',
    'A record moves with one verb, `Decision.moveTo` (`lib/workflow/context.ts`): status and step together.',
    'Besides the signals a step consumes, every step takes ticks (reconciler minutes and wake messages):',
    'they retry, poll, and enforce the deadline.',
    '',
    '## Statuses',
    '',
    '| status | signals go to |',
    '|---|---|',
    ...(Object.keys(WORKFLOW) as Status[]).map((status) => `| ${status} | ${workflowName(status)} |`),
    '',
    'Whatever the status, these signals hand a record to terminate:',
    '',
    '| signal | status | terminate starts at |',
    '|---|---|---|',
    ...Object.entries(HANDOVERS).map(([signal, h]) => `| \`${signal}\` | ${h.status} | ${h.step} |`),
    '',
    `## Launch: ${PLAN.join(' → ')}`,
    '',
    diagram(LAUNCH, [`[*] --> ${PLAN[0]}: launch event (first step with work)`]),
    '',
    'Arrows to `next` skip the steps with nothing to do (`skipped()` in `launch.ts`): a domainless fleet has no',
    'directory steps, a launch into the warm pool stops before refresh, verify and ready, and a host leaving',
    'the pool keeps its join and membership. A failed launch whose host stays in service (onLaunchFailure',
    "CONTINUE) and still holds its membership continues in terminate's deauthorize as CLEANUP_PENDING.",
    '',
    rows(LAUNCH),
    '',
    `## Terminate: ${TERMINATE_PLAN.join(' → ')}`,
    '',
    diagram(TERMINATE, [
      `[*] --> ${TERMINATE_PLAN[0]}: terminate event`,
      ...Object.entries(HANDOVERS).map(([signal, h]) => `[*] --> ${h.step}: ${signal}`),
    ]),
    '',
    'A host returning to the warm pool skips deauthorize; a host with nothing in the directory skips it too.',
    "While a cancelled launch's join may still create an account, deauthorize waits for it to settle",
    "(`lib/workflow/cancelled-join.ts`), bounded by the join's own deadline.",
    '',
    rows(TERMINATE),
    '',
    `## Adopt: ${ADOPT_PLAN.join(' → ')}`,
    '',
    diagram(ADOPT, [`[*] --> ${ADOPT_PLAN[0]}: the sweep finds the instance InService with no record serving it`]),
    '',
    'A host that predates gmsa-ready (or whose record was lost) has no lifecycle action to complete, and adoption',
    'changes nothing on it: no join, no group add, no ECS state change. Its only write is the ready attribute,',
    'once it is proven joined, in hostGroup by objectSID and verified. A domainless fleet starts at verify. A',
    'scale-in or a vanished instance then hands an adopted record to terminate like any other.',
    '',
    rows(ADOPT),
    '',
  ].join('\n');
}

function workflowName(status: Status): string {
  const handler = WORKFLOW[status];
  if (!handler) return 'none (settled: only a lifecycle event moves it)';
  return `\`${handler.name}\``;
}

function diagram<S extends Step>(table: Table<S>, entries: string[]): string {
  const lines = ['```mermaid', 'stateDiagram-v2', ...entries.map((e) => `  ${e}`)];
  const ends = new Set<string>();
  for (const [step, row] of Object.entries(table) as [S, Row][]) {
    // A last step ends in a status, which its exits name.
    if (row.next !== 'done') lines.push(`  ${step} --> ${row.next}`);
    for (const exit of row.exits) {
      if (exit.to === 'done' && exit.status) ends.add(exit.status);
      const to = exit.to === 'done' ? (exit.status ?? '[*]') : exit.to;
      const status = exit.status && exit.to !== 'done' ? ` [${exit.status}]` : '';
      lines.push(`  ${step} --> ${to}: ${exit.when}${status}`);
    }
  }
  for (const status of ends) lines.push(`  ${status} --> [*]`);
  lines.push('```');
  return lines.join('\n');
}

function rows<S extends Step>(table: Table<S>): string {
  const lines = ['| step | consumes (besides ticks) | next | deadline | handler |', '|---|---|---|---|---|'];
  for (const [step, row] of Object.entries(table) as [S, Row][]) {
    const consumed = row.consumes.map((s) => `\`${s}\``).join(', ');
    lines.push(`| ${step} | ${consumed} | ${row.next} | ${deadline(row)} | \`${row.on.name}\` |`);
  }
  return lines.join('\n');
}

function deadline(row: Row): string {
  if (row.deadline === 'drain') return "the fleet's drainTimeoutSeconds + 300 s";
  return `${row.deadline / 60} min`;
}
