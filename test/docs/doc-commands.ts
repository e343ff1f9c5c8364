// Finds the commands the README and docs/*.md show in code blocks (`npx gmsa-ready …`, `npm run …`) and
// reads the conventions they are written in; test/docs/commands.test.ts runs them.
//
// Conventions (docs/README.md text says them too):
//   `# exits N` in a line's comment: the command ends with status N (without it: 0).
//   `# needs your files` in a line's comment: it reads files the reader makes; not run, its options checked.
//   a line with `[--option ...]` or `NAME...` is a usage synopsis: it must be one of the command's usage forms.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface DocCommand {
  /** `README.md:185`. */
  where: string;
  /** The line as written. */
  text: string;
  tool: 'gmsa-ready' | 'npm run';
  /** The words after `npx gmsa-ready` (or after `npm run`), the comment removed. */
  argv: string[];
  /** What `# exits N` promises, else 0. */
  exits: number;
  comment: string;
}

/** README.md, then docs/*.md in name order: every file the test reads. */
export function docFiles(root: string): string[] {
  const docs = readdirSync(join(root, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .sort()
    .map((name) => `docs/${name}`);
  return ['README.md', ...docs];
}

export function commandsIn(markdown: string, file: string): DocCommand[] {
  const found: DocCommand[] = [];
  let fence: string | undefined;
  markdown.split('\n').forEach((raw, index) => {
    const opened = /^\s*(`{3,}|~{3,})/.exec(raw)?.[1];
    if (opened && (fence === undefined || opened.startsWith(fence))) {
      fence = fence === undefined ? opened : undefined;
      return;
    }
    if (fence === undefined) return;
    const line = raw.trim().replace(/^\$\s+/, '');
    const tool = line.startsWith('npx gmsa-ready') ? 'gmsa-ready' : line.startsWith('npm run ') ? 'npm run' : undefined;
    if (!tool) return;
    const { words, comment } = shellWords(line);
    // A pipe or a redirect ends the command the doc shows: what follows is the reader's shell.
    const end = words.findIndex((word) => ['|', '>', '>>', '&&', ';'].includes(word));
    const argv = (end < 0 ? words : words.slice(0, end)).slice(2);
    const exits = Number(/\bexits (\d+)\b/.exec(comment)?.[1] ?? 0);
    found.push({ where: `${file}:${index + 1}`, text: line, tool, argv, exits, comment });
  });
  return found;
}

/** Words as a POSIX shell splits a simple command (quotes, no expansion), and the `# comment` after them. */
export function shellWords(line: string): { words: string[]; comment: string } {
  const words: string[] = [];
  let word: string | undefined;
  let quote: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i] as string;
    if (quote) {
      if (c === quote) quote = undefined;
      else word = (word ?? '') + c;
    } else if (c === "'" || c === '"') {
      quote = c;
      word ??= '';
    } else if (/\s/.test(c)) {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else if (c === '#' && word === undefined) {
      return { words, comment: line.slice(i + 1).trim() };
    } else word = (word ?? '') + c;
  }
  if (quote) throw new Error(`unclosed ${quote} in: ${line}`);
  if (word !== undefined) words.push(word);
  return { words, comment: '' };
}

/** `[--json]`, `ARN_OR_FILE...`, `windows|linux`: the line shows a usage form, not a command to run. */
export function isSynopsis(argv: string[]): boolean {
  return argv.some((word) => /^\[.*\]?$|^[A-Z][A-Z_]*\.\.\.$|\|/.test(word));
}

/** Why a gmsa-ready line is not run (it needs an AWS account, serves until interrupted, …), or undefined. */
export function skippedByDesign(command: DocCommand): string | undefined {
  const { argv, comment } = command;
  if (argv.includes('--stage'))
    return 'needs a deployed stage and your AWS credentials; it is run with none and must say so (exit 1)';
  if (argv.some((word) => word.startsWith('arn:')))
    return 'reads from an AWS account; it is run with no credentials and must say so (exit 1)';
  if (argv.some((word) => word === '--serve' || word.startsWith('--serve=')))
    return 'serves the status page until Ctrl-C (test/status-cli/serve.test.ts serves and stops it)';
  if (/\bneeds your files\b/.test(comment)) return 'reads files the reader makes (shown just above it in the doc)';
  return undefined;
}

/** The spec of the subcommand a line uses; a subcommand that does not exist (yet) fails, naming the line. */
export function specFor<S extends { name: string }>(command: DocCommand, specs: S[]): S {
  const name = command.argv[0] ?? '';
  const found = specs.find((spec) => spec.name === name);
  if (!found)
    throw new Error(
      `${command.where}: \`gmsa-ready ${name}\` is not a gmsa-ready command (there are: ${specs.map((s) => s.name).join(', ')}); add it to COMMANDS in lib/cli/main.ts or fix the doc`,
    );
  return found;
}

/** The README and docs' commands, every one. */
export function allDocCommands(root: string): DocCommand[] {
  return docFiles(root).flatMap((file) => commandsIn(readFileSync(join(root, file), 'utf8'), file));
}
