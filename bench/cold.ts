// `npm run bench:cold`: builds every function's bundle and the all-clients baseline with serverless.yml's
// esbuild options, measures size and cold import time (median of BENCH_COLD_RUNS, default 9, fresh node
// processes each), prints the table and writes it to bench/results.md.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildBundles } from '../lib/bench/bundles';
import { coldTable, measureCold } from '../lib/bench/cold-start';
import { lambdaLikeEnv } from '../lib/bench/lambda-env';
import { describeMachine } from '../lib/bench/machine';
import { writeSection } from '../lib/bench/results-file';

const root = fileURLToPath(new URL('..', import.meta.url));
const runs = Number(process.env.BENCH_COLD_RUNS ?? 9);
if (!Number.isInteger(runs) || runs < 7) throw new Error(`BENCH_COLD_RUNS: must be an integer >= 7, got ${runs}`);

const lambdaEnv = lambdaLikeEnv(root, 'bench');

const outDir = mkdtempSync(join(tmpdir(), 'gmsa-ready-bundles-'));
try {
  const bundles = await buildBundles(root, outDir, {
    BASELINE: 'bench/baseline.ts',
    'NAIVE lifecycle': 'bench/naive.ts',
  });
  const { nodeStartupMs, results } = measureCold(bundles, runs, lambdaEnv);
  const body = [
    '## Cold start: bundle size and import time (`npm run bench:cold`)',
    '',
    `Machine: ${describeMachine()}.`,
    `Bundles built with esbuild and serverless.yml's custom.esbuild options; BASELINE imports every AWS client the project uses and nothing else; NAIVE lifecycle is the lifecycle function plus every client (what it would be without per-function client sets). Median of ${runs} fresh \`node\` processes per bundle, each importing the bundle with a Lambda-like environment (so the handler's cold-start init runs); node's own start-up (an empty module): ${nodeStartupMs} ms.`,
    '',
    coldTable(nodeStartupMs, results, 'BASELINE'),
  ].join('\n');
  writeSection(root, 'cold', body);
  process.stdout.write(`${body}\n`);
} finally {
  rmSync(outDir, { recursive: true, force: true });
}
