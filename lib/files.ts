// Reading an operator's input file (config, world, events, a local credential spec): only a regular file up to a
// stated size, as UTF-8; failures become the caller's own error type with a one-line reason that names the file.
import { closeSync, constants, fstatSync, openSync, readSync, type Stats } from 'node:fs';
import { parseJsonStrict } from './json/strict';

/** Builds the caller's error; `code` is the errno code (ENOENT, EACCES) when the file could not be opened. */
type Fail = (message: string, code?: string) => Error;

/**
 * 16 MiB: a config or world is a few KB; a replay file of EventBridge events (256 KB each at most) holds dozens
 * of the largest or thousands of real ones. Anything larger is refused before a byte is read.
 */
export const MAX_INPUT_BYTES = 16 * 1024 * 1024;

// Opening a FIFO for reading blocks until a writer comes; O_NONBLOCK returns at once so fstat can refuse it.
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0);

function kind(stats: Stats): string {
  if (stats.isDirectory()) return 'a directory';
  if (stats.isFIFO()) return 'a FIFO (named pipe)';
  if (stats.isCharacterDevice()) return 'a character device';
  if (stats.isBlockDevice()) return 'a block device';
  if (stats.isSocket()) return 'a socket';
  return 'not a regular file';
}

export function readInputText(path: string, what: string, fail: Fail, maxBytes = MAX_INPUT_BYTES): string {
  let fd: number;
  try {
    fd = openSync(path, OPEN_FLAGS);
  } catch (error) {
    const { code } = error as NodeJS.ErrnoException;
    throw fail(`cannot read ${what} ${path}: ${code ?? (error as Error).message}`, code);
  }
  try {
    // fstat on the open descriptor: what is read is what was checked.
    const stats = fstatSync(fd);
    if (!stats.isFile()) throw fail(`cannot read ${what} ${path}: it is ${kind(stats)}, not a regular file`);
    if (stats.size > maxBytes) throw fail(tooLarge(what, path, stats.size, maxBytes));
    const bytes = readAtMost(fd, maxBytes + 1);
    // The file grew between fstat and read.
    if (bytes.length > maxBytes) throw fail(tooLarge(what, path, bytes.length, maxBytes));
    try {
      return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
    } catch {
      throw fail(`cannot read ${what} ${path}: it is not UTF-8 text`);
    }
  } finally {
    closeSync(fd);
  }
}

const tooLarge = (what: string, path: string, size: number, max: number) =>
  `cannot read ${what} ${path}: it is ${size} bytes, over the ${max}-byte limit for this input`;

function readAtMost(fd: number, limit: number): Buffer {
  const buffer = Buffer.alloc(Math.min(limit, 64 * 1024));
  const chunks: Buffer[] = [];
  let total = 0;
  while (total < limit) {
    const n = readSync(fd, buffer, 0, Math.min(buffer.length, limit - total), null);
    if (n === 0) break;
    chunks.push(Buffer.from(buffer.subarray(0, n)));
    total += n;
  }
  return Buffer.concat(chunks);
}

/** A UTF-8 byte-order mark (PowerShell 5 writes one) is accepted at the start of a JSON or YAML file and dropped. */
export const withoutBom = (text: string): string => (text.startsWith('\uFEFF') ? text.slice(1) : text);

/** Duplicate keys and excessive nesting are refused with the key's path (lib/json/strict.ts). */
export function readInputJson(path: string, what: string, fail: Fail): unknown {
  const text = withoutBom(readInputText(path, what, fail));
  try {
    return parseJsonStrict(text);
  } catch (error) {
    throw fail(`${path} is not valid JSON: ${(error as Error).message}`);
  }
}
