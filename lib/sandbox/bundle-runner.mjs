// One Lambda function's process in a sandbox run on built bundles (lib/sandbox/bundle-processes.ts starts it):
// imports the bundle given as argv[2] at the first invocation (its cold start, in this process's environment),
// then runs each invocation the parent sends over IPC. Kept to plain JavaScript so it runs on any Node as is.

// The virtual clock: the shell reads time only through lib/clock.ts, which reads Date.now(). Each invocation
// brings the sandbox's time, which does not move while a job runs (lib/sandbox/scheduler.ts).
let virtualMs = Date.now();
Date.now = () => virtualMs;

const file = process.argv[2];
/** @type {Promise<{ handler: (event: unknown, context: unknown) => Promise<unknown> }> | undefined} */
let loaded;

process.on(
  'message',
  async (/** @type {{ id: number, now: number, event: unknown, context: Record<string, unknown> }} */ message) => {
    virtualMs = message.now * 1000;
    try {
      loaded ??= import(file);
      const { handler } = await loaded;
      if (typeof handler !== 'function') throw new Error(`${file} exports no handler`);
      const context = { ...message.context, getRemainingTimeInMillis: () => 60_000 };
      const result = await handler(message.event, context);
      process.send?.({ id: message.id, result });
    } catch (error) {
      const { name, message: text } = error instanceof Error ? error : { name: 'Error', message: String(error) };
      process.send?.({ id: message.id, error: { name, message: text } });
    }
  },
);
