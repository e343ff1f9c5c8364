// The machine a benchmark ran on, for the results file.
import { readFileSync } from 'node:fs';
import { availableParallelism, loadavg, totalmem } from 'node:os';

export function describeMachine(now = new Date()): string {
  let cpu = 'unknown CPU';
  try {
    cpu = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1]?.trim() ?? cpu;
  } catch {
    // not Linux: keep 'unknown CPU'
  }
  const memory = `${(totalmem() / 2 ** 30).toFixed(1)} GiB`;
  // Wall-clock figures depend on what else runs: the 1-minute load average says how busy the machine was.
  const load = loadavg()[0]?.toFixed(1);
  return `${availableParallelism()} CPUs (nproc), ${memory} memory, ${cpu}, node ${process.version}, ${now.toISOString().slice(0, 10)}, load average ${load} when written`;
}
