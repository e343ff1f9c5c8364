// The command line: strict usage (exit 2 with one line), the sandbox report on stdout, replay through a
// sandbox (idempotent, archive replays, rejections → exit 3) and to a deployed stage (Lambda Invoke).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { allCustomMatcher } from 'aws-sdk-client-mock-vitest';
import { afterEach, describe, expect, it } from 'vitest';
import { main } from '../../lib/cli/main';
import { runReplay } from '../../lib/cli/replay';
import type { Report } from '../../lib/sandbox/report';

expect.extend(allCustomMatcher);

const LAUNCH = 'events/lifecycle-launch-windows.json';
const ARCHIVE_REPLAY = 'events/lifecycle-launch-replay.json';
const UNCONFIGURED = 'events/lifecycle-launch-unconfigured-group.json';

function capture() {
  const out = { stdout: '', stderr: '' };
  const io = {
    stdout: (text: string) => {
      out.stdout += text;
    },
    stderr: (text: string) => {
      out.stderr += text;
    },
  };
  return { out, io };
}

async function cli(argv: string[]) {
  const { out, io } = capture();
  const code = await main(argv, io);
  return { code, ...out };
}

function tempFile(name: string, content: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'gmsa-ready-cli-')), name);
  writeFileSync(path, content);
  return path;
}

const oneLine = (text: string) => text.trimEnd().split('\n').length === 1;

describe('usage errors exit 2 with a one-line reason', () => {
  it.each([
    [['nope'], /unknown command 'nope'/],
    [['sandbox', '--colour'], /Unknown option '--colour'/],
    [['sandbox', '--seed', 'x'], /--seed must be a non-negative integer/],
    [['sandbox', '--world', '/nonexistent/world.json'], /cannot read world file \/nonexistent\/world.json: ENOENT/],
    [['replay', LAUNCH], /give exactly one of --sandbox or --stage STAGE/],
    [['replay', '--sandbox', '--stage', 'prod', LAUNCH], /give exactly one of --sandbox or --stage STAGE/],
    [['replay', '--sandbox'], /no EVENT_FILE given/],
    [['replay', '--sandbox', '/nonexistent/event.json'], /cannot read event file \/nonexistent\/event.json: ENOENT/],
  ])('%j', async (argv, reason) => {
    const { code, stderr, stdout } = await cli(argv);
    expect(code).toBe(2);
    expect(stderr).toMatch(reason);
    expect(oneLine(stderr)).toBe(true);
    expect(stdout).toBe('');
  });

  it('names the field of a world with an unknown fault', async () => {
    const world = JSON.parse(await import('node:fs').then((fs) => fs.readFileSync('events/worlds/demo.json', 'utf8')));
    world.instances[1].faults = ['disk-full'];
    const { code, stderr } = await cli(['sandbox', '--world', tempFile('world.json', JSON.stringify(world))]);
    expect(code).toBe(2);
    expect(stderr).toMatch(/instances\[1\]\.faults\[0\]: must be one of join-fails, join-times-out/);
    expect(oneLine(stderr)).toBe(true);
  });

  it.each([
    ['not JSON', '{"source": ', /is not valid JSON/],
    ['an empty array', '[]', /holds no events/],
    ['a non-object event', '[{"source":"aws.ssm"}, 42]', /#1 is not an EventBridge event/],
  ])('rejects an event file holding %s', async (_, content, reason) => {
    const { code, stderr } = await cli(['replay', '--sandbox', tempFile('event.json', content)]);
    expect(code).toBe(2);
    expect(stderr).toMatch(reason);
    expect(oneLine(stderr)).toBe(true);
  });
});

describe('sandbox', () => {
  it('--json prints only the report of the demo world and exits 0', async () => {
    const { code, stdout, stderr } = await cli(['sandbox', '--json']);
    expect(code).toBe(0);
    expect(stderr).toBe('');
    const report = JSON.parse(stdout) as Report;
    expect(Object.keys(report)).toEqual([
      'seed',
      'clock',
      'instances',
      'directory',
      'commands',
      'rejected',
      'invariants',
      'quotas',
      'scavenge',
      'sandbox',
    ]);
    expect(report.invariants).toEqual({ held: true, violations: [] });
    expect(report.seed).toEqual({ run: 1 }); // the demo has no chaos block
    expect(report.instances).toHaveLength(5);
    expect(report.clock.virtualSeconds).toBeGreaterThan(report.clock.wallSeconds);
  });

  it('without --json shows progress lines and a final status table', async () => {
    const { code, stdout } = await cli(['sandbox']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^\+00:00:00 {2}i-0a1b2c3d4e5f60001 {2}launch/m);
    expect(stdout).toMatch(/^INSTANCE +FLEET +COMPUTER +STATUS +LIFECYCLE/m);
    expect(stdout).toMatch(
      /^i-0a1b2c3d4e5f60003 +orders +EC2AMAZ-R7T2VB6 +FAILED +ABANDON +no +absent +no +join: join-domain-not-found: /m,
    );
  });
});

describe('replay --sandbox', () => {
  const replay = async (...files: string[]) => {
    const result = await cli(['replay', '--sandbox', '--json', ...files]);
    return { ...result, report: JSON.parse(result.stdout) as Report };
  };

  it('takes a launch event to READY; the same file again is a no-op', async () => {
    const once = await replay(LAUNCH);
    const twice = await replay(LAUNCH, LAUNCH);
    expect(once.code).toBe(0);
    expect(twice.code).toBe(0);
    expect(once.report.instances[0]).toMatchObject({
      status: 'READY',
      lifecycleResult: 'CONTINUE',
      lifecycleErrors: [],
    });
    expect(twice.report.instances[0]).toMatchObject({
      status: 'READY',
      lifecycleResult: 'CONTINUE',
      lifecycleErrors: [],
    });
    expect(twice.report.commands.map((c) => c.documentName)).toEqual(once.report.commands.map((c) => c.documentName));
    expect(twice.report.sandbox.awsCalls['autoscaling:CompleteLifecycleAction']).toBe(1);
    expect(twice.report.rejected).toEqual([]);
  });

  it('an archive replay (replay-name) runs, but Auto Scaling refuses its stale token and the report says so', async () => {
    const { code, report } = await replay(ARCHIVE_REPLAY);
    expect(code).toBe(0);
    expect(report.instances[0]).toMatchObject({
      instanceId: 'i-0a1b2c3d4e5f60718',
      lifecycleResult: null,
      lifecycleErrors: ['No active Lifecycle Action found with token c3f1a8d2-6e4b-4b1f-9d27-5a80e6c41f93'],
    });
  });

  it('an event for a group no fleet owns is rejected: exit 3, the report still printed', async () => {
    const { code, report } = await replay(UNCONFIGURED);
    expect(code).toBe(3);
    expect(report.rejected).toEqual([
      { source: `${UNCONFIGURED}#0`, error: expect.stringMatching(/^no fleet is configured for Auto Scaling group '/) },
    ]);
  });
});

describe('replay --stage', () => {
  const lambda = mockClient(LambdaClient);
  afterEach(() => lambda.reset());
  const reply = (body: unknown) => ({
    StatusCode: 200,
    Payload: new TextEncoder().encode(JSON.stringify(body)) as never,
  });

  it('invokes the stage intake function chosen by the event source, synchronously, with the event as payload', async () => {
    lambda.on(InvokeCommand).resolves(reply({ accepted: true }));
    const { out, io } = capture();
    const code = await runReplay(['--stage', 'prod', LAUNCH, 'events/command-status-success.json'], io);
    expect(code).toBe(0);
    expect(lambda).toHaveReceivedCommandTimes(InvokeCommand, 2);
    const calls = lambda.commandCalls(InvokeCommand).map((c) => c.args[0].input);
    const { readFileSync } = await import('node:fs');
    expect(
      calls.map((input) => ({ ...input, Payload: JSON.parse(new TextDecoder().decode(input.Payload as Uint8Array)) })),
    ).toEqual([
      {
        FunctionName: 'gmsa-ready-prod-lifecycle',
        InvocationType: 'RequestResponse',
        Payload: JSON.parse(readFileSync(LAUNCH, 'utf8')),
      },
      {
        FunctionName: 'gmsa-ready-prod-command-status',
        InvocationType: 'RequestResponse',
        Payload: JSON.parse(readFileSync('events/command-status-success.json', 'utf8')),
      },
    ]);
    expect(out.stdout).toMatch(/^accepted {2}events\/lifecycle-launch-windows.json#0 -> gmsa-ready-prod-lifecycle$/m);
  });

  it('exits 3 when the function rejects the event or fails', async () => {
    lambda
      .on(InvokeCommand)
      .resolvesOnce(reply({ accepted: false, reason: "no fleet is configured for Auto Scaling group 'x'" }))
      .resolvesOnce({ ...reply({ errorMessage: 'boom' }), FunctionError: 'Unhandled' });
    const { out, io } = capture();
    const code = await runReplay(['--stage', 'dev', '--json', UNCONFIGURED, LAUNCH], io);
    expect(code).toBe(3);
    expect(JSON.parse(out.stdout).results).toEqual([
      {
        source: `${UNCONFIGURED}#0`,
        functionName: 'gmsa-ready-dev-lifecycle',
        accepted: false,
        reason: "no fleet is configured for Auto Scaling group 'x'",
      },
      {
        source: `${LAUNCH}#0`,
        functionName: 'gmsa-ready-dev-lifecycle',
        accepted: false,
        reason: 'Unhandled: {"errorMessage":"boom"}',
      },
    ]);
  });
});
