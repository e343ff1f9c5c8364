// Each shipped bundle (serverless.yml's esbuild options, target node22, nothing external) loads and runs its
// cold-start init in a fresh process of the Node running this suite: Node 22 in CI's second pass
// (scripts/with-node22.sh), the Lambda runtime's version. lib/bench/cold-start.ts does the import.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type Bundle, buildBundles } from '../../lib/bench/bundles';
import { measureCold } from '../../lib/bench/cold-start';

const root = fileURLToPath(new URL('../..', import.meta.url));
const outDir = mkdtempSync(join(tmpdir(), 'gmsa-ready-load-'));
let bundles: Bundle[];

beforeAll(async () => {
  bundles = await buildBundles(root, outDir, {});
}, 240_000);
afterAll(() => rmSync(outDir, { recursive: true, force: true }));

// What serverless.yml's provider.environment sets, with the demo world's fleets as the config.
const demo = JSON.parse(readFileSync(join(root, 'events/worlds/demo.json'), 'utf8')) as { fleets: unknown[] };
const lambdaEnv = {
  PATH: process.env.PATH ?? '',
  AWS_REGION: 'us-east-1',
  AWS_LAMBDA_FUNCTION_NAME: 'gmsa-ready-test',
  AWS_ACCESS_KEY_ID: 'AKIDTEST',
  AWS_SECRET_ACCESS_KEY: 'test-secret',
  TABLE_NAME: 'gmsa-ready-test-hosts',
  WAKE_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/123456789012/gmsa-ready-test-wake',
  DIRECTORY_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/123456789012/gmsa-ready-test-directory',
  REFRESH_WINDOWS_DOCUMENT: 'gmsa-ready-test-RefreshWindows',
  REFRESH_LINUX_DOCUMENT: 'gmsa-ready-test-RefreshLinux',
  GROUP_CHANGE_DOCUMENT: 'gmsa-ready-test-GroupChange',
  LIST_MEMBERS_DOCUMENT: 'gmsa-ready-test-ListMembers',
  STAGE: 'test',
  ACCOUNT_ID: '123456789012',
  POWERTOOLS_SERVICE_NAME: 'gmsa-ready',
  POWERTOOLS_METRICS_NAMESPACE: 'GmsaReady',
  POWERTOOLS_LOG_LEVEL: 'SILENT',
  GMSA_READY_CONFIG: JSON.stringify({ fleets: demo.fleets }),
};

it(`every shipped bundle loads and runs its cold-start init on Node ${process.version}`, () => {
  // measureCold throws naming the bundle whose import failed.
  const { results } = measureCold(bundles, 1, lambdaEnv);
  expect(results.map((r) => r.name).sort()).toEqual(bundles.map((b) => b.name).sort());
  expect(results.length).toBeGreaterThanOrEqual(6);
});
