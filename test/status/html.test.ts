import { expect, it } from 'vitest';
import { escapeHtml, html, Markup } from '../../lib/status/html';

it('escapes the five HTML-significant characters', () => {
  expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe(
    '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;',
  );
});

it('escapes interpolated values but keeps markup built by html itself', () => {
  const inner = html`<b>${'<i>'}</b>`;
  expect(html`<p title="${'"x"'}">${inner}${['<', html`<br>`]}${undefined}${null}${false}${0}</p>`.text).toBe(
    '<p title="&quot;x&quot;"><b>&lt;i&gt;</b>&lt;<br>0</p>',
  );
});

it('does not treat markup-looking objects as markup', () => {
  const impostor = { text: '<script>', toString: () => '<script>' };
  expect(html`${impostor}`.text).toBe('&lt;script&gt;');
  expect(html`${new Markup('<hr>')}`.text).toBe('<hr>');
});
