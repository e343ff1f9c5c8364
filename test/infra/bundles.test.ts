// What ships in each Lambda bundle, built with serverless.yml's own esbuild options: only the function's
// code and its clients. The sandbox, the CLI, the benchmark and the test tooling never ship; EC2 is only
// in the one function that calls it.
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
  bundles = await buildBundles(root, outDir, {});
}, 120_000);
afterAll(() => rmSync(outDir, { recursive: true, force: true }));

const NEVER_SHIPS = [
  /^lib\/sandbox\//,
  /^lib\/cli\//,
  /^lib\/bench\//,
  /^test\//,
  /node_modules\/(aws-sdk-client-mock|dynalite|fast-check|playwright-core|vitest|sinon|yaml|tsx)\//,
];

describe('Lambda bundles', () => {
  it('builds one bundle per function in serverless.yml', () => {
    expect(bundles.map((b) => b.name).sort()).toEqual([
      'commandStatus',
      'continue',
      'directory',
      'lifecycle',
      'reconciler',
      'statusPage',
    ]);
  });

  it('never ship the sandbox, the CLI, the benchmark or test tooling', () => {
    for (const bundle of bundles) {
      const stowaways = bundle.inputs.filter((input) => NEVER_SHIPS.some((pattern) => pattern.test(input)));
      expect(stowaways, bundle.name).toEqual([]);
      // The check sees real inputs: every bundle holds its own handler.
      expect(bundle.inputs).toContain(bundle.entry);
    }
  });

  it('carry the EC2 client only in the reconciler, and only DynamoDB in the status page', () => {
    for (const bundle of bundles)
      expect(bundle.clients.includes('ec2'), bundle.name).toBe(bundle.name === 'reconciler');
    expect(bundles.find((b) => b.name === 'statusPage')?.clients).toEqual(['dynamodb', 'lib-dynamodb']);
  });
});
