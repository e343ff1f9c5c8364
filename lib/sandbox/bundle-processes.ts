// The functions as built bundles, each in its own Node process as Lambda runs it: its own module state (SDK,
// clock, cold-start cache), its own environment and credentials. lib/sandbox/functions.ts chooses between these
// and the source handlers in-process; the bundles reach the simulated account over HTTP (lib/sandbox/wire.ts).
import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';

const RUNNER = fileURLToPath(new URL('./bundle-runner.mjs', import.meta.url));

/** What a bundle invocation sends back: the handler's result, or the name and message of what it threw. */
type Reply = { id: number; result?: unknown; error?: { name: string; message: string } };

export interface BundleProcessOptions {
  /** The bundle a function runs (an .mjs file built as serverless.yml builds it). */
  file: string;
  /** The function's environment (its Lambda configuration), read by the bundle at cold start. */
  env: NodeJS.ProcessEnv;
  /** The Node binary; default: the one running the sandbox. */
  node?: string;
}

export class BundleProcess {
  private child?: ChildProcess;
  private readonly pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  private next = 0;
  private exited?: string;

  constructor(private readonly options: BundleProcessOptions) {}

  /** Runs one invocation at virtual time `now` (epoch seconds); throws what the handler threw. */
  invoke(event: unknown, context: object, now: number): Promise<unknown> {
    const child = this.start();
    if (this.exited) return Promise.reject(new Error(this.exited));
    const id = ++this.next;
    // Functions do not cross the process boundary: the runner gives the context its getRemainingTimeInMillis.
    const plain = JSON.parse(JSON.stringify(context)) as object;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      child.send({ id, now, event, context: plain });
    });
  }

  stop(): void {
    this.child?.kill();
    this.child = undefined;
  }

  private start(): ChildProcess {
    if (this.child) return this.child;
    const { file, env, node } = this.options;
    const child = fork(RUNNER, [pathToFileURL(file).href], {
      env,
      execPath: node ?? process.execPath,
      execArgv: [],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    child.on('message', (reply: Reply) => {
      const waiting = this.pending.get(reply.id);
      if (!waiting) return;
      this.pending.delete(reply.id);
      if (reply.error) waiting.reject(Object.assign(new Error(reply.error.message), { name: reply.error.name }));
      else waiting.resolve(reply.result);
    });
    child.on('exit', (code, signal) => {
      this.exited = `the process running ${file} exited (${signal ?? `code ${code}`})`;
      for (const waiting of this.pending.values()) waiting.reject(new Error(this.exited));
      this.pending.clear();
    });
    this.child = child;
    return child;
  }
}
