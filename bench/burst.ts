// `npm run bench`: the burst benchmark for 10, 100, 1000 and 5000 hosts under the modelled quotas, each in its
// own process (clean peak memory), then the tables in bench/results.md. BENCH_SIZES=10,100 chooses other sizes,
// BENCH_RAMP=0 another ramp (default 60 s).
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { burstTable, callsTable, managementBound, perHostCheck, quotasTable } from '../lib/bench/format';
import { describeMachine } from '../lib/bench/machine';
import { writeSection } from '../lib/bench/results-file';
import type { BenchReport } from '../lib/bench/run';

const root = fileURLToPath(new URL('..', import.meta.url));
const sizes = (process.env.BENCH_SIZES ?? '10,100,1000,5000').split(',').map(Number);
const ramp = process.env.BENCH_RAMP ?? '60';

const reports: BenchReport[] = [];
for (const n of sizes) {
  process.stderr.write(`bench: ${n} hosts ...\n`);
  let out: string;
  try {
    out = execFileSync(
      process.execPath,
      ['bin/gmsa-ready.js', 'bench', '--instances', String(n), '--ramp', ramp, '--json'],
      {
        cwd: root,
        encoding: 'utf8',
        maxBuffer: 64 * 2 ** 20,
      },
    );
  } catch (error) {
    // Exit 1 is a missed target: the report is still printed, and the table shows it.
    out = (error as { stdout?: string }).stdout ?? '';
    if (!out) throw error;
  }
  const report = JSON.parse(out) as BenchReport;
  reports.push(report);
  process.stderr.write(
    `bench: ${n} hosts: sleeps ${report.sleeps}, management commands ${report.managementCommands}, overhead p90 ${report.overhead.p90} s, wall ${report.wallSeconds} s\n`,
  );
}

const smallest = reports[0] as BenchReport;
const largest = reports.at(-1) as BenchReport;
const checks = [
  `- sleeps in handlers: ${reports.map((r) => r.sleeps).join(', ')} (target 0)`,
  ...reports.map(
    (r) =>
      `- management commands for ${r.instances} hosts: ${r.managementCommands} (GroupChange ${r.commands.groupChangeResolve} resolve + ${r.commands.groupChangeAdd} add + ${r.commands.groupChangeRemove} remove; the issue's bound 2 x ceil(N/50) + 2 = ${managementBound(r.instances)}: ${r.managementCommands <= managementBound(r.instances) ? 'met' : 'NOT met'}), plus ${r.commands.listMembers} ListMembers of the hourly scavenger`,
  ),
  ...reports.map(perHostCheck),
  `- lifecycle timeouts: ${reports.map((r) => r.lifecycleTimeouts).join(', ')}; failed invocations: ${reports.map((r) => r.failedInvocations).join(', ')} (target 0)`,
  `- overhead p90, ${largest.instances} hosts vs ${smallest.instances}: ${largest.overhead.p90} s vs ${smallest.overhead.p90} s (ratio ${(largest.overhead.p90 / smallest.overhead.p90).toFixed(2)}, target <= 2)`,
];
const body = [
  '## Burst: launch then terminate N hosts (`npm run bench`)',
  '',
  `Machine: ${describeMachine()}.`,
  `One Windows fleet (the demo world's \`orders\`), launches and terminations spread evenly over ${smallest.rampSeconds} s, seed ${smallest.seed}, AWS's API rate quotas and Lambda concurrency modelled; virtual seconds unless marked wall.`,
  '',
  burstTable(reports),
  '',
  ...checks,
  '',
  '### Quotas: limits modelled and throttled responses (docs/performance.md, Quotas)',
  '',
  quotasTable(reports),
  '',
  '### AWS calls per host, launch + terminate',
  '',
  callsTable(reports),
].join('\n');
writeSection(root, 'burst', body);
process.stdout.write(`${body}\n`);
