// What ships in each Lambda bundle, built with serverless.yml's own esbuild options: only the function's
// code and its clients. The sandbox, the CLI, the benchmark and the test tooling never ship; EC2 is only
// in the one function that calls it. The AGPL IAM simulator (@cloud-copilot) is test-only: it is in no
// Lambda bundle and not on the CLI's runtime path (bundled the same way from lib/cli/main.ts).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Bundle, buildBundles } from '../../lib/bench/bundles';

const root = fileURLToPath(new URL('../..', import.meta.url));
const outDir = mkdtempSync(join(tmpdir(), 'gmsa-ready-ship-'));
let bundles: Bundle[];

beforeAll(async () => {
  bundles = await buildBundles(root, outDir, { cli: 'lib/cli/main.ts' });
}, 120_000);
afterAll(() => rmSync(outDir, { recursive: true, force: true }));

/** AGPL-3.0 packages: devDependencies, used by tests only. */
const COPYLEFT = /node_modules\/@cloud-copilot\//;
const NEVER_SHIPS = [
  /^lib\/sandbox\//,
  /^lib\/cli\//,
  /^lib\/bench\//,
  /^test\//,
  /node_modules\/(aws-sdk-client-mock|dynalite|fast-check|playwright-core|vitest|sinon|yaml|tsx)\//,
  COPYLEFT,
];

const lambdas = () => bundles.filter((b) => b.name !== 'cli');

describe('Lambda bundles', () => {
  it('builds one bundle per function in serverless.yml', () => {
    expect(
      lambdas()
        .map((b) => b.name)
        .sort(),
    ).toEqual(['commandStatus', 'continue', 'directory', 'lifecycle', 'reconciler', 'statusPage']);
  });

  it('never ship the sandbox, the CLI, the benchmark or test tooling', () => {
    for (const bundle of lambdas()) {
      const stowaways = bundle.inputs.filter((input) => NEVER_SHIPS.some((pattern) => pattern.test(input)));
      expect(stowaways, bundle.name).toEqual([]);
      // The check sees real inputs: every bundle holds its own handler.
      expect(bundle.inputs).toContain(bundle.entry);
    }
  });

  it('carry the EC2 client only in the reconciler, and only DynamoDB in the status page', () => {
    for (const bundle of lambdas())
      expect(bundle.clients.includes('ec2'), bundle.name).toBe(bundle.name === 'reconciler');
    expect(bundles.find((b) => b.name === 'statusPage')?.clients).toEqual(['dynamodb', 'lib-dynamodb']);
  });
});

describe('the CLI', () => {
  it('never loads the AGPL IAM simulator, although it runs the sandbox that enforces IAM', () => {
    const cli = bundles.find((b) => b.name === 'cli');
    expect(cli?.inputs.filter((input) => COPYLEFT.test(input))).toEqual([]);
    // The check sees the CLI's real runtime path: the sandbox and its own IAM evaluator are on it.
    expect(cli?.inputs).toContain('lib/sandbox/intercept.ts');
    expect(cli?.inputs).toContain('lib/infra/evaluate.ts');
  });
});
