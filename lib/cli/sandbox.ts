// `gmsa-ready sandbox [--world FILE] [--json] [--seed N] [--serve PORT] [--quotas on|off]`: run a world's scenario against
// the simulated account (the built-in demo by default); with --serve, then serve the status page from
// the sandbox's records until interrupted.
import type { Sandbox } from '../sandbox/sandbox';
import { QUOTAS_OPTION, quotasArg, RUN_OPTIONS, runArgs } from './args';
import { type CommandSpec, runCommand } from './command';
import { type CliIo, EXIT, oneLineReason, UsageError } from './io';
import { loadWorld, runWorld } from './run-world';
import { serveFunctionUrl } from './serve';

export const sandboxCommand: CommandSpec = {
  name: 'sandbox',
  summary: 'run a world (default: the demo) against a simulated account',
  usage: ['[--world FILE] [--json] [--seed N] [--serve PORT] [--quotas on|off]'],
  about: ["Runs the world's scenario through the real handlers against a simulated AWS account and AD."],
  options: {
    ...RUN_OPTIONS,
    quotas: QUOTAS_OPTION,
    serve: {
      value: 'PORT',
      help: "then serve the status page from the sandbox's records on 127.0.0.1:PORT until Ctrl-C\n(0: any free port; the URL goes to stderr)",
    },
  },
  exits: {
    [EXIT.ok]: 'the world ran; no event was rejected',
    [EXIT.usage]: 'bad usage or an unreadable world file',
    [EXIT.rejected]: 'an event was rejected (the report is still printed)',
  },
};

/** Resolves when the server should stop: by default on SIGINT or SIGTERM. Tests pass their own. */
export type UntilStopped = () => Promise<void>;

export function runSandbox(argv: string[], io: CliIo, untilStopped: UntilStopped = untilSignal): Promise<number> {
  return runCommand(sandboxCommand, argv, io, async (parsed) => {
    const port = servePort(parsed.string('serve'));
    const args = runArgs(parsed);
    const world = loadWorld(args.world);
    return await runWorld(world, { ...args, quotas: quotasArg(parsed) }, io, async (sandbox) => {
      sandbox.scheduleScenario();
      await sandbox.runUntilQuiet();
      if (port !== undefined) await serveStatusPage(sandbox, port, io, untilStopped);
    });
  });
}

function servePort(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const port = Number(value);
  if (value.trim() === '' || !Number.isInteger(port) || port < 0 || port > 65_535)
    throw new UsageError(`--serve must be a port number from 0 to 65535 (0: any free port), got '${value}'`);
  return port;
}

/**
 * The deployed status page's handler over the sandbox's Store, at the sandbox's virtual time. The URL
 * goes to stderr so stdout stays the report (JSON with --json), which follows once serving stops.
 */
async function serveStatusPage(sandbox: Sandbox, port: number, io: CliIo, untilStopped: UntilStopped): Promise<void> {
  // Imported only when serving: nothing else in the sandbox needs the status page's module.
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
