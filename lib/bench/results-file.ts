// bench/results.md holds one section per benchmark (burst, cold); each run rewrites only its own.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const HEADER =
  '# Benchmark results\n\nWritten by `npm run bench` and `npm run bench:cold`; see docs/performance.md for the method.\n';

export function writeSection(root: string, name: string, body: string): void {
  const path = join(root, 'bench/results.md');
  const start = `<!-- ${name}:start -->`;
  const end = `<!-- ${name}:end -->`;
  const section = `${start}\n${body.trim()}\n${end}`;
  const text = existsSync(path) ? readFileSync(path, 'utf8') : HEADER;
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  const next =
    from >= 0 && to > from
      ? `${text.slice(0, from)}${section}${text.slice(to + end.length)}`
      : `${text.trimEnd()}\n\n${section}\n`;
  writeFileSync(path, next);
}
