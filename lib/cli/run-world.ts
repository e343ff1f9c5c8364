// Shared by `sandbox` and `replay --sandbox`: load the world, run it, print the report or the
// progress and table, and turn the outcome into an exit status.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Report } from '../sandbox/report';
import { Sandbox } from '../sandbox/sandbox';
import { loadWorldFile, type World } from '../sandbox/world';
import { type CliIo, EXIT, UsageError } from './io';
import { progressLine, reportTable } from './progress';

export const DEMO_WORLD = join(fileURLToPath(new URL('.', import.meta.url)), '../../events/worlds/demo.json');

export function loadWorld(path: string | undefined): World {
  try {
    return loadWorldFile(path ?? DEMO_WORLD);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

/** A rejected event (3) outranks a violated invariant (4): it usually is the cause. The report is printed either way. */
export function exitStatus(report: Pick<Report, 'rejected' | 'invariants'>): number {
  if (report.rejected.length > 0) return EXIT.rejected;
  return report.invariants.held ? EXIT.ok : EXIT.invariant;
}

export async function runWorld(
  world: World,
  options: { seed: number; json: boolean; quotas?: boolean },
  io: CliIo,
  feed: (sandbox: Sandbox) => Promise<void>,
): Promise<number> {
  const sandbox = await Sandbox.create({
    world,
    seed: options.seed,
    quotas: options.quotas,
    onProgress: options.json ? undefined : (o) => io.stdout(progressLine(o)),
  });
  try {
    await feed(sandbox);
    const report = await sandbox.report();
    io.stdout(options.json ? `${JSON.stringify(report, null, 2)}\n` : `\n${reportTable(report)}`);
    return exitStatus(report);
  } finally {
    await sandbox.stop();
  }
}
