// bench/results.md holds one section per benchmark (burst, cold); each run rewrites only its own.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

const HEADER =
  '# Benchmark results\n\nWritten by `npm run bench` and `npm run bench:cold`; see docs/performance.md for the method.\n';

export function writeSection(path: string, name: string, body: string): void {
  const start = `<!-- ${name}:start -->`;
  const end = `<!-- ${name}:end -->`;
  const section = `${start}\n${body.trimEnd()}\n${end}`;
  const text = existsSync(path) ? readFileSync(path, 'utf8') : HEADER;
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  const next =
    from >= 0 && to > from
      ? `${text.slice(0, from)}${section}${text.slice(to + end.length)}`
      : `${text.trimEnd()}\n\n${section}\n`;
  writeFileSync(path, next);
}
