// Watches what handler code does while an invocation runs: every timer it creates (a sleep is a timer
// that ran or is still waiting; a timer cleared unfired is an I/O guard, e.g. the SDK's socket timeouts)
// and every DynamoDB call it makes. Invocations are told apart with AsyncLocalStorage, so the sandbox's
// own timers and store reads never count.
import { AsyncLocalStorage } from 'node:async_hooks';
import { createRequire, syncBuiltinESMExports } from 'node:module';
import { promisify } from 'node:util';
import type { FunctionName, InvocationWrapper } from '../sandbox/functions';
import { DynamoMeter } from './dynamo-meter';

const require = createRequire(import.meta.url);
const timers = require('node:timers') as typeof import('node:timers');
const timersPromises = require('node:timers/promises') as typeof import('node:timers/promises');

export interface Sleep {
  function: FunctionName;
  api: string;
  delayMs: number;
  /** fired: its callback ran; pending: still waiting when counted; awaited: a timers/promises delay. */
  how: 'fired' | 'pending' | 'awaited';
}

interface TimerEntry {
  function: FunctionName;
  api: string;
  delayMs: number;
  handle: unknown;
}

type TimerFunction = (callback: (...args: unknown[]) => void, delay?: number, ...args: unknown[]) => unknown;
type Patched = Record<string, { target: object; key: string; original: unknown }>;

export class InvocationProbe {
  readonly dynamo = new DynamoMeter();
  invocations = 0;
  /** Timers created inside invocations, cleared before they fired: I/O guards, not sleeps. */
  guardTimers = 0;
  peakRssBytes = 0;
  private readonly context = new AsyncLocalStorage<FunctionName>();
  private readonly fired: Sleep[] = [];
  private readonly pending = new Set<TimerEntry>();
  private readonly byHandle = new WeakMap<object, TimerEntry>();
  private patched: Patched = {};

  /** What the sandbox's Functions.wrapInvocations takes. */
  readonly wrap: InvocationWrapper = async (name, run) => {
    this.invocations++;
    return this.context.run(name, run);
  };

  /** The function whose invocation the caller runs in, if any. */
  current(): FunctionName | undefined {
    return this.context.getStore();
  }

  sampleMemory(): void {
    this.peakRssBytes = Math.max(this.peakRssBytes, process.memoryUsage.rss());
  }

  /** Every sleep so far: timers that ran, timers still waiting, awaited timer promises. */
  sleeps(): Sleep[] {
    return [...this.fired, ...[...this.pending].map((t) => ({ ...sleepOf(t), how: 'pending' as const }))];
  }

  /** Replaces the timer functions (global, node:timers, node:timers/promises) and the DynamoDB client's send. */
  install(): void {
    const probe = this;
    const wrapTimer = (api: 'setTimeout' | 'setInterval', original: TimerFunction) =>
      function (this: unknown, callback: (...args: unknown[]) => void, delay?: number, ...args: unknown[]) {
        const fn = probe.current();
        if (!fn || typeof callback !== 'function') return original.call(this, callback, delay, ...args);
        const entry: TimerEntry = { function: fn, api, delayMs: Number(delay ?? 0), handle: undefined };
        probe.pending.add(entry);
        const handle = original.call(
          this,
          (...callArgs: unknown[]) => {
            if (probe.pending.delete(entry) || api === 'setInterval')
              probe.fired.push({ ...sleepOf(entry), how: 'fired' });
            callback(...callArgs);
          },
          delay,
          ...args,
        );
        entry.handle = handle;
        probe.byHandle.set(handle as object, entry);
        return handle;
      };
    const wrapClear = (original: typeof clearTimeout) =>
      function (this: unknown, handle?: unknown) {
        const entry = probe.entryFor(handle);
        if (entry && probe.pending.delete(entry)) probe.guardTimers++;
        return original.call(this, handle as NodeJS.Timeout);
      };
    const wrapPromise = <F extends (...args: never[]) => unknown>(api: string, original: F) =>
      function (this: unknown, ...args: Parameters<F>) {
        const fn = probe.current();
        if (fn) probe.fired.push({ function: fn, api, delayMs: Number(args[0] ?? 0), how: 'awaited' });
        return original.apply(this, args);
      };

    const promisesSetTimeout = wrapPromise('timers/promises.setTimeout', timersPromises.setTimeout);
    const setTimeoutFn = wrapTimer('setTimeout', timers.setTimeout as unknown as TimerFunction);
    Object.defineProperty(setTimeoutFn, promisify.custom, { value: promisesSetTimeout });
    const replaced: Record<string, unknown> = {
      setTimeout: setTimeoutFn,
      setInterval: wrapTimer('setInterval', timers.setInterval as unknown as TimerFunction),
      clearTimeout: wrapClear(timers.clearTimeout),
      clearInterval: wrapClear(timers.clearInterval),
    };
    for (const [key, value] of Object.entries(replaced)) {
      this.replace(globalThis, 'global', key, value);
      this.replace(timers, 'timers', key, value);
    }
    this.replace(timersPromises, 'promises', 'setTimeout', promisesSetTimeout);
    this.replace(
      timersPromises,
      'promises',
      'setInterval',
      wrapPromise('timers/promises.setInterval', timersPromises.setInterval),
    );
    syncBuiltinESMExports();
    this.dynamo.install(() => this.current() !== undefined);
  }

  uninstall(): void {
    for (const { target, key, original } of Object.values(this.patched))
      (target as Record<string, unknown>)[key] = original;
    this.patched = {};
    syncBuiltinESMExports();
    this.dynamo.uninstall();
  }

  private replace(target: object, where: string, key: string, value: unknown): void {
    const id = `${where}.${key}`;
    this.patched[id] ??= { target, key, original: (target as Record<string, unknown>)[key] };
    (target as Record<string, unknown>)[key] = value;
  }

  /** clearTimeout takes the Timeout or its number (Number(timeout), as the SDK's HTTP handler passes). */
  private entryFor(handle: unknown): TimerEntry | undefined {
    if (handle !== null && typeof handle === 'object') return this.byHandle.get(handle);
    if (typeof handle !== 'number') return undefined;
    for (const entry of this.pending) if (Number(entry.handle) === handle) return entry;
    return undefined;
  }
}

function sleepOf(entry: TimerEntry): Omit<Sleep, 'how'> {
  return { function: entry.function, api: entry.api, delayMs: entry.delayMs };
}
