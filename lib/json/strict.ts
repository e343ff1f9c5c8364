// JSON that means what it says: JSON.parse keeps the last of two equal keys without a word, so every JSON file
// gmsa-ready reads (events, worlds, credential specs) is also scanned for duplicate keys and nesting depth.
import { type PathSegment, renderPath } from './path';

/** Deeper than any file gmsa-ready reads (a credential spec nests 4 levels, a world 5). */
export const MAX_JSON_DEPTH = 64;

/** `path` names the offending key or container in the file's own terms (renderPath). */
export class JsonShapeError extends Error {
  override name = 'JsonShapeError';
  constructor(
    message: string,
    readonly kind: 'duplicate-key' | 'too-deep',
    readonly segments: PathSegment[],
  ) {
    super(message);
  }
}

interface Frame {
  keys?: Set<string>;
  /** The key being read (objects) or the element index (arrays). */
  at: PathSegment;
  expectKey: boolean;
}

/**
 * JSON.parse, then one pass over the text refusing a repeated key in any object and nesting deeper than
 * `maxDepth`. JSON.parse's SyntaxError passes through. Both steps are iterative: no input can exhaust the stack.
 */
export function parseJsonStrict(text: string, maxDepth = MAX_JSON_DEPTH): unknown {
  const value: unknown = JSON.parse(text);
  checkShape(text, maxDepth);
  return value;
}

function checkShape(text: string, maxDepth: number): void {
  const stack: Frame[] = [];
  const path = () => stack.map((frame) => frame.at);
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    const top = stack[stack.length - 1];
    if (c === '"') {
      const end = stringEnd(text, i);
      if (top?.keys && top.expectKey) {
        const key = JSON.parse(text.slice(i, end + 1)) as string;
        top.at = key;
        top.expectKey = false;
        if (top.keys.has(key)) throw new JsonShapeError(`duplicate key ${renderPath(path())}`, 'duplicate-key', path());
        top.keys.add(key);
      }
      i = end;
    } else if (c === '{' || c === '[') {
      if (stack.length >= maxDepth)
        throw new JsonShapeError(`nested deeper than ${maxDepth} levels`, 'too-deep', path());
      stack.push(c === '{' ? { keys: new Set(), at: '', expectKey: true } : { at: 0, expectKey: false });
    } else if (c === '}' || c === ']') {
      stack.pop();
    } else if (c === ',' && top) {
      if (top.keys) top.expectKey = true;
      else top.at = (top.at as number) + 1;
    }
  }
}

/** Index of the quote closing the string that opens at `start` (the text is valid JSON). */
function stringEnd(text: string, start: number): number {
  let i = start + 1;
  while (text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
  return i;
}
