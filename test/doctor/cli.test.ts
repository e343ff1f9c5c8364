// `gmsa-ready doctor` as an operator runs it: one line per check, exit 0/1/2, the JSON contract.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../cli/run-cli';
import { demoWorldJson } from '../sandbox/fixtures';

describe('doctor --world', () => {
  it('prints a ✓ line per check of a world set up right and exits 0', async () => {
    const { code, stdout, stderr } = await runCli(['doctor', '--world', 'events/worlds/demo.json']);
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    const lines = stdout.trimEnd().split('\n');
    expect(lines[0]).toBe('✓ - eventbridge-rules: 3 rules, all ENABLED');
    expect(lines).toContain(
      '✓ orders launch-hook: gmsa-ready-launch (autoscaling:EC2_INSTANCE_LAUNCHING) on prod-ecs-win-orders',
    );
    expect(lines.at(-1)).toBe('28 checks passed');
  });

  it('prints the failed checks with their remedy and exits 1', async () => {
    const { code, stdout } = await runCli(['doctor', '--world', 'events/worlds/misconfigured.json']);
    expect(code).toBe(1);
    const failed = stdout.split('\n').filter((line) => line.startsWith('✗'));
    expect(failed).toHaveLength(2);
    expect(failed[0]).toMatch(
      /^✗ orders gmsa-principals: gMSA OrdersApi: OrdersApiHosts is not in PrincipalsAllowedToRetrieveManagedPassword — remedy: Set-ADServiceAccount -Identity OrdersApi -PrincipalsAllowedToRetrieveManagedPassword OrdersApiHosts, /,
    );
    expect(failed[1]).toMatch(
      /^✗ payments-linux terminate-hook: group prod-ecs-linux-payments has no hook gmsa-ready-terminate/,
    );
    // The remedy names this group, hook and timeout.
    expect(failed[1]).toContain(
      '--auto-scaling-group-name prod-ecs-linux-payments --lifecycle-hook-name gmsa-ready-terminate --lifecycle-transition autoscaling:EC2_INSTANCE_TERMINATING --heartbeat-timeout 3600',
    );
    expect(stdout.trimEnd().split('\n').at(-1)).toBe('2 of 28 checks failed');
  });

  it('--json prints {checks: [{id, fleet, ok, message, remedy}]} and nothing else', async () => {
    const { code, stdout } = await runCli(['doctor', '--world', 'events/worlds/misconfigured.json', '--json']);
    expect(code).toBe(1);
    const { checks } = JSON.parse(stdout) as { checks: Record<string, unknown>[] };
    for (const check of checks) expect(Object.keys(check)).toEqual(['id', 'fleet', 'ok', 'message', 'remedy']);
    expect(checks[0]).toEqual({
      id: 'eventbridge-rules',
      fleet: null,
      ok: true,
      message: '3 rules, all ENABLED',
      remedy: null,
    });
    expect(checks.filter((c) => !c.ok).map((c) => [c.fleet, c.id])).toEqual([
      ['orders', 'gmsa-principals'],
      ['payments-linux', 'terminate-hook'],
    ]);
  });

  it('escapes what a world quotes back: a hostile spec cannot reach the terminal raw', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'doctor-'));
    const world = demoWorldJson() as unknown as { credentialSpecs: Record<string, unknown> };
    world.credentialSpecs['arn:aws:ssm:us-east-1:123456789012:parameter/gmsa/orders-api'] =
      '\u001b[2J{"evil": "\u202e"}';
    writeFileSync(join(dir, 'w.json'), JSON.stringify(world));
    const { code, stdout } = await runCli(['doctor', '--world', join(dir, 'w.json')]);
    expect(code).toBe(1);
    expect(stdout).toContain('✗ orders credential-specs:');
    expect([stdout.includes('\u001b'), stdout.includes('\u202e')]).toEqual([false, false]);
  });
});

describe('doctor usage', () => {
  it.each([
    [[], 'give --stage STAGE or --world FILE'],
    [['--stage', 'prod', '--world', 'events/worlds/demo.json'], 'give --stage or --world, not both'],
    [['--world', 'events/worlds/demo.json', '--region', 'eu-west-1'], '--region applies to --stage only'],
    [['--stage', 'prod', '--probe-timeout', '5'], "--probe-timeout must be whole seconds from 10 to 3600, got '5'"],
    [['--stage', 'Prod!'], "--stage must be a stage name such as dev or prod, got 'Prod!'"],
    [['--world', 'no/such/world.json'], 'no/such/world.json'],
  ])('%j is a usage error, exit 2: %s', async (argv, message) => {
    const { code, stdout, stderr } = await runCli(['doctor', ...argv]);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain(message);
    expect(stderr.trimEnd().split('\n')).toHaveLength(1);
  });

  it('refuses a world whose misconfiguration names no fleet, naming the field', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'doctor-'));
    writeFileSync(
      join(dir, 'w.json'),
      JSON.stringify({ ...demoWorldJson(), misconfigurations: [{ kind: 'ad-module-missing', fleet: 'nobody' }] }),
    );
    const { code, stderr } = await runCli(['doctor', '--world', join(dir, 'w.json')]);
    expect(code).toBe(2);
    expect(stderr).toContain("misconfigurations[0].fleet: no fleet is named 'nobody'");
  });
});
