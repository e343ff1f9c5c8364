// Reading config/<stage>.yml (packaging, the CLI's check-config, tests). Kept apart from load.ts so the Lambda
// bundles, which only parse the JSON the package step embedded, don't carry a YAML parser.
import { type Document, isAlias, isMap, isScalar, isSeq, type Node, parseAllDocuments } from 'yaml';
import { readInputText } from '../files';
import { type PathSegment, renderPath } from '../json/path';
import { ConfigError, parseConfig } from './load';
import type { Config } from './schema';

/** A config is a few KB; this also bounds what an alias can expand to (with maxAliasCount below). */
export const MAX_CONFIG_BYTES = 1024 * 1024;

export function loadConfigFile(path: string): Config {
  const text = readInputText(path, 'config file', (m) => new ConfigError(m), MAX_CONFIG_BYTES);
  return parseConfig(parseConfigYaml(text, path), path);
}

/**
 * The YAML as a plain value, refusing what would make it mean something other than it says: a second
 * document, a repeated key (with its path), an unknown tag. Merge keys (`<<: *base`) are honoured, as YAML 1.1
 * defines them: keys written in the map win over merged ones. A leading byte-order mark is accepted.
 */
export function parseConfigYaml(text: string, path: string): unknown {
  const invalid = (reason: string, at: PathSegment[] = []) =>
    new ConfigError(`${path} is not valid YAML: ${reason}`, [{ path: renderPath(at) || '(root)', message: reason }]);
  const parsed = parseAllDocuments(text, { logLevel: 'silent', merge: true, uniqueKeys: false });
  const docs: Document[] = Array.isArray(parsed) ? parsed : [];
  if (docs.length > 1)
    throw invalid(`it holds ${docs.length} YAML documents (separated by ---); a config is exactly one document`);
  const doc = docs[0];
  if (!doc) return null;
  // Warnings (an unknown tag such as !!js/function) are errors here: a config means exactly what it says.
  const problem = doc.errors[0] ?? doc.warnings[0];
  if (problem) throw invalid(problem.message.split('\n')[0] ?? problem.code);
  const duplicate = firstDuplicateKey(doc.contents);
  if (duplicate) throw invalid(`duplicate key ${renderPath(duplicate)}`, duplicate);
  try {
    return doc.toJS({ maxAliasCount: 10 });
  } catch (error) {
    throw invalid((error as Error).message.split('\n')[0] ?? 'cannot be read');
  }
}

/** Path of the first key repeated within one mapping; a walk with its own stack, so depth cannot overflow it. */
function firstDuplicateKey(root: Node | null): PathSegment[] | undefined {
  const stack: { node: unknown; path: PathSegment[] }[] = [{ node: root, path: [] }];
  for (let item = stack.pop(); item; item = stack.pop()) {
    const { node, path } = item;
    if (isAlias(node)) continue; // its anchor is walked where it is defined
    if (isSeq(node))
      node.items.forEach((child, i) => {
        stack.push({ node: child, path: [...path, i] });
      });
    if (!isMap(node)) continue;
    const seen = new Set<string>();
    for (const pair of node.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
      if (seen.has(key)) return [...path, key];
      seen.add(key);
      stack.push({ node: pair.value, path: [...path, key] });
    }
  }
  return undefined;
}
