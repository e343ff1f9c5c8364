// Worlds for the sandbox tests, built from the demo world so fleets and credential specs stay valid.
import { readFileSync } from 'node:fs';
import { DEMO_WORLD } from '../../lib/cli/run-world';
import type { Report } from '../../lib/sandbox/report';
import { Sandbox, type SandboxOptions } from '../../lib/sandbox/sandbox';
import { parseWorld, type World } from '../../lib/sandbox/world';

export const demoWorldJson = (): Record<string, unknown> & { fleets: Record<string, unknown>[] } =>
  JSON.parse(readFileSync(DEMO_WORLD, 'utf8'));

export const WIN = 'prod-ecs-win-orders';
export const LINUX = 'prod-ecs-linux-payments';
export const MGMT = 'i-0123456789abcdef0';

/** The demo's account and fleets with these instances and scenario; fleet fields can be overridden. */
export function world(overrides: {
  instances?: unknown[];
  scenario?: unknown[];
  fleet?: Record<string, unknown>;
  extra?: Record<string, unknown>;
}): World {
  const base = demoWorldJson();
  return parseWorld({
    ...base,
    fleets: base.fleets.map((f) => ({ ...f, ...overrides.fleet })),
    instances: overrides.instances ?? [],
    scenario: overrides.scenario ?? [],
    ...overrides.extra,
  });
}

/** Runs a world's scenario until quiet (or the virtual-time cap) and returns the report. */
export async function runSandbox(options: SandboxOptions): Promise<Report> {
  const sandbox = await Sandbox.create({ seed: 1, ...options });
  try {
    sandbox.scheduleScenario();
    await sandbox.runUntilQuiet();
    return await sandbox.report();
  } finally {
    await sandbox.stop();
  }
}
