// Cold import of a bundle: a fresh `node` process imports it with a Lambda-like environment (so each
// handler's cold-start init runs, as in Lambda's init phase), timed inside the process (module load,
// evaluation, init) and from outside (the whole process, node's own start-up included). Node's start-up
// alone is measured the same way, importing nothing, so it can be subtracted.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import type { Bundle } from './bundles';
import { median, round } from './stats';

export interface ColdResult {
  name: string;
  clients: string[];
  bytes: number;
  gzipBytes: number;
  /** Median milliseconds to import the bundle, measured inside the process. */
  importMs: number;
  /** Median milliseconds of the whole process (spawn to exit). */
  processMs: number;
}

/** One process run: [import ms inside, process ms outside]; `file` undefined imports nothing. */
function coldRun(file: string | undefined, env: NodeJS.ProcessEnv): [number, number] {
  const target = file ? `await import(${JSON.stringify(pathToFileURL(file).href)});` : '';
  const script = `const t = performance.now(); ${target} process.stdout.write(String(performance.now() - t));`;
  const started = performance.now();
  const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    encoding: 'utf8',
    env,
  });
  const processMs = performance.now() - started;
  if (result.status !== 0) throw new Error(`importing ${file ?? 'nothing'} failed: ${result.stderr.split('\n')[0]}`);
  return [Number(result.stdout), processMs];
}

/** Median of `runs` cold imports per bundle, interleaved so machine noise spreads over all of them. */
export function measureCold(
  bundles: Bundle[],
  runs: number,
  env: NodeJS.ProcessEnv,
): { nodeStartupMs: number; results: ColdResult[] } {
  const samples = new Map<string, [number, number][]>();
  const empty: number[] = [];
  for (let run = 0; run < runs; run++) {
    empty.push(coldRun(undefined, env)[1]);
    for (const bundle of bundles) {
      const list = samples.get(bundle.name) ?? [];
      list.push(coldRun(bundle.file, env));
      samples.set(bundle.name, list);
    }
  }
  const results = bundles.map((bundle) => {
    const list = samples.get(bundle.name) ?? [];
    const content = readFileSync(bundle.file);
    return {
      name: bundle.name,
      clients: bundle.clients,
      bytes: content.length,
      gzipBytes: gzipSync(content).length,
      importMs: round(median(list.map(([inside]) => inside)), 1),
      processMs: round(median(list.map(([, outside]) => outside)), 1),
    };
  });
  return { nodeStartupMs: round(median(empty), 1), results };
}

/** The results.md table: each function next to the baseline, with ratios. */
export function coldTable(nodeStartupMs: number, results: ColdResult[], baselineName: string): string {
  const baseline = results.find((r) => r.name === baselineName);
  if (!baseline) throw new Error(`no ${baselineName} bundle measured`);
  const kb = (n: number) => (n / 1024).toFixed(0);
  const rows = results.map(
    (r) =>
      `| ${r.name} | ${kb(r.bytes)} | ${kb(r.gzipBytes)} | ${(r.bytes / baseline.bytes).toFixed(2)} | ${r.importMs} | ${(r.importMs / baseline.importMs).toFixed(2)} | ${r.processMs} | ${round(r.processMs - nodeStartupMs, 1)} | ${r.clients.join(', ')} |`,
  );
  return [
    '| bundle | size (KB) | gzip (KB) | size / baseline | import (ms, median) | import / baseline | process (ms, median) | process - node start-up (ms) | AWS clients inside |',
    '|---|---|---|---|---|---|---|---|---|',
    ...rows,
  ].join('\n');
}
