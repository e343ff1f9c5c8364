// The one escaping function at the CLI's output edge: nothing a terminal acts on passes, JSON stays JSON.
import { describe, expect, it } from 'vitest';
import { escapeForTerminal, oneLine } from '../../lib/text/terminal';

const HOSTILE: [string, string][] = [
  ['ESC (ANSI colour)', '\u001b[31m'],
  ['C1 CSI', '\u009b'],
  ['DEL', '\u007f'],
  ['carriage return', '\r'],
  ['bell', '\u0007'],
  ['line separator U+2028', '\u2028'],
  ['paragraph separator U+2029', '\u2029'],
  ['byte-order mark U+FEFF', '\ufeff'],
  ['word joiner U+2060', '\u2060'],
  ['zero-width space U+200B', '\u200b'],
  ['right-to-left mark U+200F', '\u200f'],
  ...['\u202a', '\u202b', '\u202c', '\u202d', '\u202e'].map((c): [string, string] => [
    `bidi ${c.charCodeAt(0).toString(16)}`,
    c,
  ]),
  ...['\u2066', '\u2067', '\u2068', '\u2069'].map((c): [string, string] => [
    `bidi isolate ${c.charCodeAt(0).toString(16)}`,
    c,
  ]),
  ['Arabic letter mark U+061C', '\u061c'],
  ['tag character U+E0041', '\u{e0041}'],
];

/** What must never reach a terminal raw (a line feed between lines is fine). */
const RAW = /(?!\n)[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u;

describe('escapeForTerminal', () => {
  it.each(HOSTILE)('writes %s as a visible escape', (_, c) => {
    const out = escapeForTerminal(`a${c}b`);
    expect(out).not.toMatch(RAW);
    expect(out).toMatch(/^a\\[urt].*b$/);
  });

  it('keeps line breaks of a whole output and plain text unchanged', () => {
    expect(escapeForTerminal('INSTANCE  FLEET\ni-1  web\n')).toBe('INSTANCE  FLEET\ni-1  web\n');
    expect(escapeForTerminal('é ü 日本 —')).toBe('é ü 日本 —');
  });

  it('keeps JSON valid and meaning the same', () => {
    const value = { reason: 'a\u202egnp.exe\u2028\u001b]0;title\u0007', 'k\u2066': '\ufeff' };
    const out = escapeForTerminal(JSON.stringify(value, null, 2));
    expect(out).not.toMatch(RAW);
    expect(JSON.parse(out)).toEqual(value);
  });

  it('oneLine escapes line feeds too', () => {
    expect(oneLine('a\nb\r\tc')).toBe('a\\nb\\r\\tc');
  });
});
