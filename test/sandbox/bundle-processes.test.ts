// A function's bundle in its own process (lib/sandbox/bundle-processes.ts + bundle-runner.mjs): it reads the
// environment it was given, sees the sandbox's virtual clock, and its failures, a cold start that cannot import
// a module included, reach the caller by name and message.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, expect, it } from 'vitest';
import { BundleProcess } from '../../lib/sandbox/bundle-processes';

const dir = mkdtempSync(join(tmpdir(), 'gmsa-ready-bundle-process-'));
const running: BundleProcess[] = [];
afterEach(() => {
  for (const process of running.splice(0)) process.stop();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function bundle(name: string, source: string, env: NodeJS.ProcessEnv = {}): BundleProcess {
  const file = join(dir, `${name}.mjs`);
  writeFileSync(file, source);
  const process = new BundleProcess({ file, env: { PATH: globalThis.process.env.PATH, ...env } });
  running.push(process);
  return process;
}

const context = { functionName: 'gmsa-ready-sandbox-test', awsRequestId: 'r-1' };

it('runs the handler with its event, its environment and a context whose remaining time it can ask', async () => {
  const process = bundle(
    'echo',
    `export const handler = async (event, context) => ({ event, table: process.env.TABLE_NAME,
       name: context.functionName, remaining: context.getRemainingTimeInMillis() });`,
    { TABLE_NAME: 'gmsa-ready-sandbox' },
  );
  expect(await process.invoke({ id: 7 }, context, 1_767_225_600)).toEqual({
    event: { id: 7 },
    table: 'gmsa-ready-sandbox',
    name: 'gmsa-ready-sandbox-test',
    remaining: 60_000,
  });
});

it("gives the bundle the sandbox's virtual time on Date.now(), the clock lib/clock.ts reads", async () => {
  const process = bundle('clock', 'export const handler = async () => Date.now();');
  expect(await process.invoke({}, context, 1_767_225_600)).toBe(1_767_225_600_000);
  expect(await process.invoke({}, context, 1_767_229_200.5)).toBe(1_767_229_200_500);
});

it('fails an invocation with the name and message of what the handler threw', async () => {
  const process = bundle(
    'throws',
    `export const handler = async () => { const e = new Error('bad config'); e.name = 'ConfigError'; throw e; };`,
  );
  await expect(process.invoke({}, context, 0)).rejects.toMatchObject({ name: 'ConfigError', message: 'bad config' });
});

it('fails every invocation of a bundle built without a module it needs, naming the module', async () => {
  const process = bundle('missing', `import 'gmsa-ready-not-bundled'; export const handler = async () => 'never';`);
  await expect(process.invoke({}, context, 0)).rejects.toThrow(/gmsa-ready-not-bundled/);
  await expect(process.invoke({}, context, 0)).rejects.toThrow(/gmsa-ready-not-bundled/);
});
