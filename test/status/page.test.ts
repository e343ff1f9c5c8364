import { describe, expect, it } from 'vitest';
import { remedyFor } from '../../lib/failures/catalogue';
import { escapeHtml } from '../../lib/status/html';
import { renderStatusPage } from '../../lib/status/page';
import type { HostRecord } from '../../lib/workflow/types';
import { bareRecord, fullRecord, T0 } from '../store/records';

const now = T0 + 3600;

function section(page: string, id: string): string {
  const start = page.indexOf(`<section id="${id}"`);
  expect(start, `section #${id}`).toBeGreaterThanOrEqual(0);
  return page.slice(start, page.indexOf('</section>', start));
}

/** Tag names with their attribute names, in document order: what markup injection would change. */
function skeleton(page: string): string[] {
  return [...page.matchAll(/<(\/?[a-z0-9!]+)([^>]*)>/gi)].map(
    ([, tag, attributes]) =>
      `${tag}${[...(attributes ?? '').matchAll(/([a-z-]+)(?:="[^"]*")?/gi)].map(([, name]) => ` ${name}`).join('')}`,
  );
}

const records: HostRecord[] = [
  bareRecord({ instanceId: 'i-0000000000000000a', step: 'join', stepStartedAt: now - 252 }),
  bareRecord({ instanceId: 'i-0000000000000000b', step: 'verify', stepStartedAt: now - 7380 }),
  fullRecord({ stepStartedAt: now - 30 }),
  bareRecord({ instanceId: 'i-0000000000000000c', status: 'READY', step: 'complete' }),
  bareRecord({
    instanceId: 'i-0000000000000000d',
    fleet: 'web',
    status: 'FAILED',
    step: 'verify',
    updatedAt: now - 60,
    reason: 'verify: verify-credspec-not-found: credential spec s3://bucket/spec.json not found',
    failure: {
      step: 'verify',
      code: 'verify-credspec-not-found',
      message: 'credential spec s3://bucket/spec.json <b>not</b> found',
    },
  }),
];

describe('renderStatusPage', () => {
  const page = renderStatusPage({ records, now, title: 'gmsa-ready prod' });

  it('is a complete, self-contained document', () => {
    expect(page.startsWith('<!doctype html>\n<html lang="en">')).toBe(true);
    expect(page.trimEnd().endsWith('</html>')).toBe(true);
    expect(page).toContain('<title>gmsa-ready prod</title>');
    expect(page).toContain('<style>');
    expect(page).not.toMatch(/<script|<link|<img|src=|href="(https?:)?\/\//i);
    expect(page).toContain('<time id="generated-at" datetime="2024-12-24T01:26:40.000Z">');
  });

  it('counts hosts per fleet by status and in-flight hosts by step', () => {
    const fleets = section(page, 'fleets');
    const orders = fleets.slice(fleets.indexOf('id="fleet-orders"'), fleets.indexOf('id="fleet-web"'));
    expect(orders).toContain('data-count="total">4<');
    expect(orders).toContain('data-count="LAUNCHING">2<');
    expect(orders).toContain('data-count="TERMINATING">1<');
    expect(orders).toContain('data-count="READY">1<');
    expect(orders).toContain('data-count="FAILED">0<');
    expect(orders).toContain('<td data-steps>deauthorize 1 · join 1 · verify 1</td>');
    expect(fleets.slice(fleets.indexOf('id="fleet-web" data-fleet="web"'))).toContain('data-count="FAILED">1<');
  });

  it('lists in-flight hosts, longest in their step first, with step, age and a timeline link', () => {
    const inFlight = section(page, 'in-flight');
    expect(inFlight).toContain('<h2>In flight (3)</h2>');
    const order = [...inFlight.matchAll(/data-instance="([^"]+)"/g)].map(([, id]) => id);
    expect(order).toEqual(['i-0000000000000000b', 'i-0000000000000000a', 'i-0123456789abcdef0']);
    expect(inFlight).toContain('data-instance="i-0000000000000000b" data-status="LAUNCHING" data-step="verify"');
    expect(inFlight).toContain('<td class="num">2h03m</td>');
    expect(inFlight).toContain('<td class="num">4m12s</td>');
    expect(inFlight).toContain('href="?instance=i-0000000000000000a"');
    expect(inFlight).not.toContain('i-0000000000000000c');
  });

  it('lists failed hosts with their reasons', () => {
    const failed = section(page, 'failed');
    expect(failed).toContain('<h2>Failed (1)</h2>');
    expect(failed).toContain('data-instance="i-0000000000000000d" data-status="FAILED"');
    expect(failed).toContain('verify: verify-credspec-not-found: credential spec s3://bucket/spec.json not found');
    expect(failed).not.toContain('i-0000000000000000a');
  });

  it('shows no timeline unless an instance is selected', () => {
    expect(page).not.toContain('id="timeline"');
  });

  it('shows the selected instance timeline: action, computer, status, reason and history in order', () => {
    const selectedPage = renderStatusPage({ records, now, title: 't', selectedInstanceId: 'i-0123456789abcdef0' });
    const timeline = section(selectedPage, 'timeline');
    expect(timeline).toContain('data-instance="i-0123456789abcdef0"');
    expect(timeline).toContain('<dd class="mono">EC2AMAZ-ABC123</dd>');
    expect(timeline).toContain('TERMINATING</span> step deauthorize');
    expect(timeline).toContain('terminate · orders-terminate on orders-asg');
    expect(timeline).toContain('deauthorize retry: &quot;access denied&quot;');
    expect(
      [...timeline.matchAll(/<tr data-step="([a-z]+)"><td class="mono"><time datetime="([^"]+)"/g)].map((m) => [
        m[1],
        m[2],
      ]),
    ).toEqual([
      ['agent', '2024-12-24T00:26:40.000Z'],
      ['join', '2024-12-24T00:27:40.000Z'],
      ['deauthorize', '2024-12-24T00:31:40.000Z'],
    ]);
    expect(timeline).toContain('joined corp.example.com');
  });

  it("shows a failed host's classified failure and its remedy on its timeline, escaped", () => {
    const timeline = section(
      renderStatusPage({ records, now, title: 't', selectedInstanceId: 'i-0000000000000000d' }),
      'timeline',
    );
    expect(timeline).toContain(
      '<dd class="failure" data-code="verify-credspec-not-found"><code>verify-credspec-not-found</code> at verify: credential spec s3://bucket/spec.json &lt;b&gt;not&lt;/b&gt; found</dd>',
    );
    expect(timeline).toContain(`<dd class="remedy">${escapeHtml(remedyFor('verify-credspec-not-found'))}</dd>`);
    // A host that did not fail shows neither.
    const other = section(
      renderStatusPage({ records, now, title: 't', selectedInstanceId: 'i-0123456789abcdef0' }),
      'timeline',
    );
    expect(other).not.toContain('class="failure"');
  });

  it('says when the selected instance has no record', () => {
    const timeline = section(
      renderStatusPage({ records, now, title: 't', selectedInstanceId: 'i-0fffffffffffffff0' }),
      'timeline',
    );
    expect(timeline).toContain('data-instance="i-0fffffffffffffff0"');
    expect(timeline).toContain('No record for this instance.');
  });

  it('warns that counts are lower bounds when the read was truncated', () => {
    expect(page).not.toContain('id="truncated"');
    expect(renderStatusPage({ records, now, title: 't', truncated: true })).toContain('id="truncated"');
  });

  it('renders empty states', () => {
    const empty = renderStatusPage({ records: [], now, title: 't' });
    expect(section(empty, 'fleets')).toContain('No hosts recorded.');
    expect(section(empty, 'in-flight')).toContain('No hosts in flight.');
    expect(section(empty, 'failed')).toContain('No failed hosts.');
  });
});

describe('escaping', () => {
  const hostile = '</td></tr><script>alert(1)</script><img src=x onerror=alert(1)>';
  const quote = `x" onmouseover="alert(1)`;
  const hostileRecords = (text: string, attr: string): HostRecord[] => [
    bareRecord({
      instanceId: `i-0000000000000000a${attr}`,
      fleet: attr,
      status: 'FAILED',
      computerName: text,
      reason: text,
      history: [{ at: T0, step: 'verify', detail: text }],
    }),
    bareRecord({ instanceId: 'i-0000000000000000b', fleet: attr, reason: text, computerName: text }),
  ];
  const render = (text: string, attr: string) =>
    renderStatusPage({
      records: hostileRecords(text, attr),
      now,
      title: text,
      selectedInstanceId: `i-0000000000000000a${attr}`,
    });

  it('a hostile reason, name, detail or title cannot add elements or attributes', () => {
    const page = render(hostile, quote);
    expect(skeleton(page)).toEqual(skeleton(render('plain words', 'plain')));
    expect(page).not.toMatch(/<script|<img/);
    expect(page).toContain('&lt;/td&gt;&lt;/tr&gt;&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(page).toContain('data-fleet="x&quot; onmouseover=&quot;alert(1)"');
  });

  it('encodes the instance in timeline links', () => {
    const page = render('text', quote);
    expect(page).toContain('href="?instance=i-0000000000000000ax%22%20onmouseover%3D%22alert(1)"');
  });
});
