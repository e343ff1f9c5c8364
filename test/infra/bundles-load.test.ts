// Each shipped bundle (serverless.yml's esbuild options, target node22, nothing external) loads and runs its
// cold-start init in a fresh process of the Node running this suite: Node 22 in CI's second pass
// (scripts/with-node22.sh), the Lambda runtime's version. lib/bench/cold-start.ts does the import.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type Bundle, buildBundles } from '../../lib/bench/bundles';
import { measureCold } from '../../lib/bench/cold-start';
import { lambdaLikeEnv } from '../../lib/bench/lambda-env';

const root = fileURLToPath(new URL('../..', import.meta.url));
const outDir = mkdtempSync(join(tmpdir(), 'gmsa-ready-load-'));
let bundles: Bundle[];

beforeAll(async () => {
  bundles = await buildBundles(root, outDir, {});
}, 240_000);
afterAll(() => rmSync(outDir, { recursive: true, force: true }));

const lambdaEnv = lambdaLikeEnv(root, 'test');

it(`every shipped bundle loads and runs its cold-start init on Node ${process.version}`, () => {
  // measureCold throws naming the bundle whose import failed.
  const { results } = measureCold(bundles, 1, lambdaEnv);
  expect(results.map((r) => r.name).sort()).toEqual(bundles.map((b) => b.name).sort());
  expect(results.length).toBeGreaterThanOrEqual(6);
});
