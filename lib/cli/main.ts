// `gmsa-ready COMMAND ...`: dispatches to one module per command. Each returns its exit status.
import { runBench } from './bench';
import { runCheckCredspec } from './check-credspec';
import { type CliIo, EXIT } from './io';
import { runReplay } from './replay';
import { runSandbox } from './sandbox';
import { runStatus } from './status';

type Command = (argv: string[], io: CliIo) => Promise<number>;

const COMMANDS: Record<string, Command> = {
  sandbox: runSandbox,
  replay: runReplay,
  'check-credspec': runCheckCredspec,
  status: runStatus,
  bench: runBench,
};

export const USAGE = `usage: gmsa-ready <command> [options]
commands:
  sandbox [--world FILE] [--json] [--seed N] [--serve PORT]
                                                         run a world (default: the demo) against a simulated account;
                                                         --serve: then serve its status page on 127.0.0.1:PORT
  replay --sandbox [--world FILE] [--json] [--seed N] EVENT_FILE...
                                                         replay events through the real handlers in a sandbox
  replay --stage STAGE [--json] EVENT_FILE...            send events to a deployed stage's intake functions
  check-credspec [--domain D] [--platform P] [--json] ARN_OR_FILE...
                                                         check credential specs
  status [--stage STAGE | --world FILE] [--fleet NAME] [--instance ID] [--json]
                                                         hosts' join status (a stage's table, or a sandbox world's)
  bench --instances N [--json] [--seed S] [--ramp SECONDS]
                                                         launch + terminate burst of N hosts in a sandbox, measured
exit status: 0 ok, 3 an event was rejected, 2 bad usage or unreadable input`;

export async function main(argv: string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout(`${USAGE}\n`);
    return name === undefined ? EXIT.usage : EXIT.ok;
  }
  const command = COMMANDS[name];
  if (!command) {
    io.stderr(`gmsa-ready: unknown command '${name}' (try --help)\n`);
    return EXIT.usage;
  }
  return command(rest, io);
}
