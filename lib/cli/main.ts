// `gmsa-ready COMMAND ...`: dispatches to one module per command. Each module declares its CommandSpec
// (usage, options, exit statuses: lib/cli/command.ts) and returns its exit status. A new command is one
// entry in COMMANDS.
import { benchCommand, runBench } from './bench';
import { checkConfigCommand, runCheckConfig } from './check-config';
import { checkCredspecCommand, runCheckCredspec } from './check-credspec';
import { type CommandSpec, renderCommandList } from './command';
import { doctorCommand, runDoctor } from './doctor';
import { type CliIo, EXIT, terminalSafe } from './io';
import { replayCommand, runReplay } from './replay';
import { runSandbox, sandboxCommand } from './sandbox';
import { runStatus, statusCommand } from './status';

export interface Command {
  spec: CommandSpec;
  run: (argv: string[], io: CliIo) => Promise<number>;
}

/** Every subcommand, in the order the top-level help lists them. */
export const COMMANDS: Command[] = [
  { spec: sandboxCommand, run: runSandbox },
  { spec: replayCommand, run: runReplay },
  { spec: checkCredspecCommand, run: runCheckCredspec },
  { spec: checkConfigCommand, run: runCheckConfig },
  { spec: statusCommand, run: runStatus },
  { spec: doctorCommand, run: runDoctor },
  { spec: benchCommand, run: runBench },
];

export async function main(argv: string[], rawIo: CliIo): Promise<number> {
  // The output edge: every byte any command writes is escaped for the terminal (lib/text/terminal.ts).
  const io = terminalSafe(rawIo);
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    (name === undefined ? io.stderr : io.stdout)(renderCommandList(COMMANDS.map((c) => c.spec)));
    return name === undefined ? EXIT.usage : EXIT.ok;
  }
  const command = COMMANDS.find((c) => c.spec.name === name);
  if (!command) {
    io.stderr(`gmsa-ready: unknown command '${name}' (try gmsa-ready --help)\n`);
    return EXIT.usage;
  }
  try {
    return await command.run(rest, io);
  } catch (error) {
    // A bug, not bad input: its stack still goes through the escaping edge, never raw to the terminal.
    const text = error instanceof Error ? (error.stack ?? error.message) : String(error);
    io.stderr(`gmsa-ready ${name}: internal error: ${text}\n`);
    return 1;
  }
}
