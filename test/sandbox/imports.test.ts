// The sandbox's modules import each other without a cycle (type-only imports count too): models depend on
// their narrow contexts and the leaf constants, never back on the account that assembles them.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const sandboxDir = join(root, 'lib/sandbox');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sources(join(dir, entry.name)) : entry.name.endsWith('.ts') ? [join(dir, entry.name)] : [],
  );
}

/** Relative imports and re-exports of a file that stay inside lib/sandbox, as absolute paths. */
function importsOf(file: string, known: Set<string>): string[] {
  const text = readFileSync(file, 'utf8');
  const specifiers = [...text.matchAll(/^(?:import|export)\s[^;]*?\sfrom\s+'(\.[^']+)'/gms)].map((m) => m[1] as string);
  return specifiers.map((s) => `${resolve(dirname(file), s)}.ts`).filter((path) => known.has(path));
}

/** The first import cycle found by depth-first search, as a list of paths relative to the repo, or undefined. */
function findCycle(graph: Map<string, string[]>): string[] | undefined {
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (node: string): string[] | undefined => {
    if (state.get(node) === 'done') return undefined;
    if (state.get(node) === 'open') return [...stack.slice(stack.indexOf(node)), node];
    state.set(node, 'open');
    stack.push(node);
    for (const next of graph.get(node) ?? []) {
      const cycle = visit(next);
      if (cycle) return cycle;
    }
    stack.pop();
    state.set(node, 'done');
    return undefined;
  };
  for (const node of graph.keys()) {
    const cycle = visit(node);
    if (cycle) return cycle.map((path) => relative(root, path));
  }
  return undefined;
}

describe('lib/sandbox imports', () => {
  it('finds a cycle when there is one (the check itself can fail)', () => {
    const graph = new Map([
      [join(root, 'a.ts'), [join(root, 'b.ts')]],
      [join(root, 'b.ts'), [join(root, 'c.ts')]],
      [join(root, 'c.ts'), [join(root, 'a.ts')]],
    ]);
    expect(findCycle(graph)).toEqual(['a.ts', 'b.ts', 'c.ts', 'a.ts']);
  });

  it('form no cycle, type-only imports included', () => {
    const files = sources(sandboxDir);
    const known = new Set(files);
    const graph = new Map(files.map((file) => [file, importsOf(file, known)]));
    expect([...graph.values()].flat().length).toBeGreaterThan(20);
    expect(findCycle(graph)).toBeUndefined();
  });

  it('keep models off the account: no file in model/ imports account.ts', () => {
    const model = join(sandboxDir, 'model');
    const files = sources(sandboxDir);
    const known = new Set(files);
    const offenders = files
      .filter((file) => file.startsWith(model) && !file.endsWith('account.ts'))
      .filter((file) => importsOf(file, known).includes(join(model, 'account.ts')))
      .map((file) => relative(root, file));
    expect(offenders).toEqual([]);
  });
});
