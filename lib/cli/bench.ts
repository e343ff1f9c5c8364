// `gmsa-ready bench --instances N [--json] [--seed S] [--ramp SECONDS] [--quotas on|off]`: a launch + terminate burst of N
// hosts in the sandbox, measured (lib/bench/). Exit 0 when every host became ready and was terminated
// with no sleep inside a handler, 1 when a target was missed, 2 on bad usage.
import { formatBench } from '../bench/format';
import { runBench as measureBurst } from '../bench/run';
import { MAX_INSTANCES } from '../bench/world';
import { QUOTAS_OPTION, quotasArg } from './args';
import { type CommandSpec, type Parsed, runCommand } from './command';
import { type CliIo, EXIT, UsageError } from './io';

export const benchCommand: CommandSpec = {
  name: 'bench',
  summary: 'launch + terminate burst of N hosts in a sandbox, measured',
  usage: ['--instances N [--json] [--seed S] [--ramp SECONDS] [--quotas on|off]'],
  options: {
    instances: { value: 'N', help: `hosts in the burst, 1 to ${MAX_INSTANCES} (required)` },
    seed: { value: 'S', help: 'the sandbox random seed (default 1): the same seed gives the same run' },
    ramp: { value: 'SECONDS', help: 'launches spread over this many virtual seconds, 0 to 3600 (default 60)' },
    quotas: QUOTAS_OPTION,
    json: { help: 'print the measurements as JSON' },
  },
  exits: {
    0: 'every host became ready and was terminated, with no sleep inside a handler',
    1: 'a target was missed (a host not ready or not terminated, a sleep, a failed invocation, a lifecycle timeout)',
    2: 'bad usage',
  },
};

export function runBench(argv: string[], io: CliIo): Promise<number> {
  return runCommand(benchCommand, argv, io, async (args) => {
    const options = benchOptions(args);
    const report = await measureBurst(options);
    io.stdout(options.json ? `${JSON.stringify(report, null, 2)}\n` : formatBench(report));
    const ok =
      report.sleeps === 0 &&
      report.ready === report.instances &&
      report.terminated === report.instances &&
      report.failedInvocations === 0 &&
      report.lifecycleTimeouts === 0;
    return ok ? EXIT.ok : 1;
  });
}

function benchOptions(args: Parsed) {
  const integer = (flag: string, min: number, max: number, fallback?: number) => {
    const raw = args.string(flag);
    if (raw === undefined && fallback !== undefined) return fallback;
    const n = Number(raw);
    // Digits only: Number('') is 0 and Number('0x10') is 16.
    if (raw === undefined || !/^\d+$/.test(raw) || !Number.isSafeInteger(n) || n < min || n > max)
      throw new UsageError(`--${flag} must be an integer from ${min} to ${max}, got '${raw ?? ''}'`);
    return n;
  };
  return {
    instances: integer('instances', 1, MAX_INSTANCES),
    seed: integer('seed', 0, Number.MAX_SAFE_INTEGER, 1),
    rampSeconds: integer('ramp', 0, 3600, 60),
    json: args.flag('json'),
    quotas: quotasArg(args),
  };
}
