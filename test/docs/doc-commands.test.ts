// How the docs' commands are found and read: fences, comments, `# exits N`, synopses, skips, and a line
// for a subcommand that does not exist yet failing with the line's place.
import { describe, expect, it } from 'vitest';
import { commandsIn, isSynopsis, shellWords, skippedByDesign, specFor } from './doc-commands';

const DOC = [
  'Prose mentioning npx gmsa-ready sandbox is not a command.',
  '```sh',
  'npx gmsa-ready sandbox --json                # the demo',
  '$ npx gmsa-ready check-credspec --domain corp.example.com spec.json   # exits 1',
  'npm run bench   # 10, 100, 1000 hosts',
  'npx gmsa-ready status --json | jq .hosts',
  'aws logs filter-log-events > captured.json',
  '```',
  '````md',
  '```',
  'npx gmsa-ready doctor --world events/worlds/demo.json',
  '````',
].join('\n');

describe('commandsIn', () => {
  const found = commandsIn(DOC, 'docs/x.md');

  it('takes the gmsa-ready and npm run lines of code blocks only, with their place', () => {
    expect(found.map((c) => [c.where, c.tool, c.argv])).toEqual([
      ['docs/x.md:3', 'gmsa-ready', ['sandbox', '--json']],
      ['docs/x.md:4', 'gmsa-ready', ['check-credspec', '--domain', 'corp.example.com', 'spec.json']],
      ['docs/x.md:5', 'npm run', ['bench']],
      ['docs/x.md:6', 'gmsa-ready', ['status', '--json']],
      ['docs/x.md:11', 'gmsa-ready', ['doctor', '--world', 'events/worlds/demo.json']],
    ]);
  });

  it('reads `# exits N`, and 0 without it', () => {
    expect(found.map((c) => c.exits)).toEqual([0, 1, 0, 0, 0]);
  });

  it('fails a line whose subcommand does not exist, naming the line', () => {
    const doctor = found[4];
    if (!doctor) throw new Error('no doctor line');
    expect(() => specFor(doctor, [{ name: 'sandbox' }, { name: 'status' }])).toThrow(
      'docs/x.md:11: `gmsa-ready doctor` is not a gmsa-ready command (there are: sandbox, status)',
    );
  });
});

describe('shellWords', () => {
  it('keeps quoted words whole and a # inside a word', () => {
    expect(shellWords(`npx gmsa-ready a "b c" 'd#e' f#g # note`)).toEqual({
      words: ['npx', 'gmsa-ready', 'a', 'b c', 'd#e', 'f#g'],
      comment: 'note',
    });
  });
});

describe('isSynopsis and skippedByDesign', () => {
  it('tells a usage form from a command', () => {
    expect(isSynopsis(['sandbox', '[--world', 'FILE]'])).toBe(true);
    expect(isSynopsis(['check-credspec', 'ARN_OR_FILE...'])).toBe(true);
    expect(isSynopsis(['sandbox', '--world', 'events/worlds/demo.json'])).toBe(false);
  });

  it('skips stage, ARN, serve and your-files lines with a reason, and nothing else', () => {
    const line = (argv: string[], comment = '') => ({
      where: 'x',
      text: '',
      tool: 'gmsa-ready' as const,
      argv,
      exits: 0,
      comment,
    });
    expect(skippedByDesign(line(['status', '--stage', 'prod']))).toMatch(/deployed stage/);
    expect(skippedByDesign(line(['check-credspec', 'arn:aws:s3:::b/k']))).toMatch(/AWS account/);
    expect(skippedByDesign(line(['sandbox', '--serve=0']))).toMatch(/until Ctrl-C/);
    expect(skippedByDesign(line(['replay', '--sandbox', 'c.json'], 'needs your files'))).toMatch(
      /files the reader makes/,
    );
    expect(skippedByDesign(line(['status', '--world', 'w.json']))).toBeUndefined();
  });
});
