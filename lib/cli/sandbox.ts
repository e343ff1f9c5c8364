// `gmsa-ready sandbox [--world FILE] [--json] [--seed N]`: run a world's scenario against the simulated
// account (the built-in demo by default).
import { parseRunArgs } from './args';
import { type CliIo, EXIT, oneLineReason, UsageError } from './io';
import { loadWorld, runWorld } from './run-world';

export async function runSandbox(argv: string[], io: CliIo): Promise<number> {
  try {
    const args = parseRunArgs(argv, { positionals: false, replay: false });
    const world = loadWorld(args.world);
    return await runWorld(world, args, io, async (sandbox) => {
      sandbox.scheduleScenario();
      await sandbox.runUntilQuiet();
    });
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.stderr(`sandbox: ${oneLineReason(error)}\n`);
    return EXIT.usage;
  }
}
