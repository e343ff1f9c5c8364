// `gmsa-ready bench --instances N [--json] [--seed S] [--ramp SECONDS]`: a launch + terminate burst of N
// hosts in the sandbox, measured (lib/bench/). Exit 0 when every host became ready and was terminated
// with no sleep inside a handler, 1 when a target was missed, 2 on bad usage.
import { parseArgs } from 'node:util';
import { formatBench } from '../bench/format';
import { runBench as measureBurst } from '../bench/run';
import { MAX_INSTANCES } from '../bench/world';
import { type CliIo, EXIT, oneLineReason, UsageError } from './io';

export const BENCH_USAGE = 'bench --instances N [--json] [--seed S] [--ramp SECONDS]';

export async function runBench(argv: string[], io: CliIo): Promise<number> {
  let options: { instances: number; seed: number; rampSeconds: number; json: boolean };
  try {
    options = parseBenchArgs(argv);
  } catch (error) {
    io.stderr(`bench: ${oneLineReason(error)}\n`);
    return EXIT.usage;
  }
  const report = await measureBurst(options);
  io.stdout(options.json ? `${JSON.stringify(report, null, 2)}\n` : formatBench(report));
  const ok =
    report.sleeps === 0 &&
    report.ready === report.instances &&
    report.terminated === report.instances &&
    report.failedInvocations === 0;
  return ok ? EXIT.ok : 1;
}

function parseBenchArgs(argv: string[]) {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        instances: { type: 'string' },
        seed: { type: 'string' },
        ramp: { type: 'string' },
        json: { type: 'boolean' },
      },
    }));
  } catch (error) {
    throw new UsageError(oneLineReason(error));
  }
  const integer = (flag: string, raw: unknown, min: number, max: number, fallback?: number) => {
    if (raw === undefined && fallback !== undefined) return fallback;
    const n = Number(raw);
    if (raw === undefined || !Number.isSafeInteger(n) || n < min || n > max)
      throw new UsageError(`--${flag} must be an integer from ${min} to ${max}, got '${raw ?? ''}'`);
    return n;
  };
  return {
    instances: integer('instances', values.instances, 1, MAX_INSTANCES),
    seed: integer('seed', values.seed, 0, Number.MAX_SAFE_INTEGER, 1),
    rampSeconds: integer('ramp', values.ramp, 0, 3600, 60),
    json: values.json === true,
  };
}
