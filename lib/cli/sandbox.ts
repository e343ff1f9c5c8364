// `gmsa-ready sandbox [--world FILE] [--json] [--seed N] [--serve PORT]`: run a world's scenario against
// the simulated account (the built-in demo by default); with --serve, then serve the status page from
// the sandbox's records until interrupted.
import type { Sandbox } from '../sandbox/sandbox';
import { parseRunArgs } from './args';
import { type CliIo, EXIT, oneLineReason, UsageError } from './io';
import { loadWorld, runWorld } from './run-world';
import { serveFunctionUrl } from './serve';

/** Resolves when the server should stop: by default on SIGINT or SIGTERM. Tests pass their own. */
export type UntilStopped = () => Promise<void>;

export async function runSandbox(argv: string[], io: CliIo, untilStopped: UntilStopped = untilSignal): Promise<number> {
  try {
    const { port, rest } = takeServe(argv);
    const args = parseRunArgs(rest, { positionals: false, replay: false });
    const world = loadWorld(args.world);
    return await runWorld(world, args, io, async (sandbox) => {
      sandbox.scheduleScenario();
      await sandbox.runUntilQuiet();
      if (port !== undefined) await serveStatusPage(sandbox, port, io, untilStopped);
    });
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.stderr(`sandbox: ${oneLineReason(error)}\n`);
    return EXIT.usage;
  }
}

/** `--serve PORT` / `--serve=PORT`, taken out before the shared run-argument parser sees the rest. */
function takeServe(argv: string[]): { port?: number; rest: string[] } {
  const at = argv.findIndex((arg) => arg === '--serve' || arg.startsWith('--serve='));
  if (at < 0) return { rest: argv };
  const inline = argv[at]?.startsWith('--serve=');
  const value = inline ? argv[at]?.slice('--serve='.length) : argv[at + 1];
  const port = Number(value);
  if (value === undefined || value === '' || !Number.isInteger(port) || port < 0 || port > 65_535)
    throw new UsageError(`--serve must be a port number from 0 to 65535 (0: any free port), got '${value ?? ''}'`);
  const rest = [...argv.slice(0, at), ...argv.slice(at + (inline ? 1 : 2))];
  if (rest.some((arg) => arg === '--serve' || arg.startsWith('--serve='))) throw new UsageError('--serve given twice');
  return { port, rest };
}

/**
 * The deployed status page's handler over the sandbox's Store, at the sandbox's virtual time. The URL
 * goes to stderr so stdout stays the report (JSON with --json), which follows once serving stops.
 */
async function serveStatusPage(sandbox: Sandbox, port: number, io: CliIo, untilStopped: UntilStopped): Promise<void> {
  // Imported only now: the function module reads TABLE_NAME at load, which the sandbox has just set.
  const { handleStatusRequest } = await import('../../functions/status-page');
  const server = await serveFunctionUrl(
    (event) => handleStatusRequest(event, sandbox.store, Math.floor(sandbox.scheduler.now())),
    port,
  ).catch((error: unknown) => {
    throw new UsageError(`--serve: cannot listen on 127.0.0.1:${port}: ${oneLineReason(error)}`);
  });
  io.stderr(`status page: ${server.url} (serving until Ctrl-C; the report follows)\n`);
  try {
    await untilStopped();
  } finally {
    await server.close();
  }
}

function untilSignal(): Promise<void> {
  return new Promise((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
