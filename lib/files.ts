// Reading an operator's input file (config, world, events): failures become the caller's own error type
// with a one-line reason that names the file.
import { readFileSync } from 'node:fs';

type Fail = (message: string) => Error;

export function readInputText(path: string, what: string, fail: Fail): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw fail(`cannot read ${what} ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}

export function readInputJson(path: string, what: string, fail: Fail): unknown {
  const text = readInputText(path, what, fail);
  try {
    return JSON.parse(text);
  } catch (error) {
    throw fail(`${path} is not valid JSON: ${(error as Error).message}`);
  }
}
