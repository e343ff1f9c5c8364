// `gmsa-ready status`: strict flags (exit 2, one line), the sandbox view for real (the demo world run to
// quiet), and a deployed stage's table read through the Store with the exact DynamoDB inputs.
import { ResourceNotFoundException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../lib/cli/main';
import { MAX_PAGES, PAGE_SIZE } from '../../lib/cli/status';
import { remedyFor } from '../../lib/failures/catalogue';
import { STATUSES } from '../../lib/status/statuses';
import { encodeCursor } from '../../lib/store/cursor';
import type { HostRecord } from '../../lib/workflow/types';
import { bareRecord, fullRecord, T0 } from '../store/records';
import { capture } from './capture';
import { type DemoHost, demoHosts, FAILED_REASON } from './demo';

async function status(argv: string[]) {
  const { io, out } = capture();
  const code = await main(['status', ...argv], io);
  return { code, ...out };
}

interface JsonRow {
  instanceId: string;
  fleet: string;
  computerName: string;
  status: string;
  step: string;
  ageSeconds: number;
  reason: string;
}

describe('usage errors exit 2 with a one-line reason', () => {
  it.each([
    [
      ['--instance', 'i-XYZ'],
      /--instance must be an EC2 instance id: i- and 8 or 17 lowercase hex digits, .*, got 'i-XYZ'/,
    ],
    [['--instance', 'i-0123456789ab'], /--instance must be an EC2 instance id: i- and 8 or 17/],
    [['--fleet', 'Orders!'], /--fleet must be a fleet name .* got 'Orders!'/],
    [['--stage', 'Prod'], /--stage must be a stage name such as dev or prod, got 'Prod'/],
    [['--stage', 'dev', '--world', 'w.json'], /--world runs a sandbox; it cannot be combined with --stage/],
    [['--instance', 'i-0123456789abcdef0', '--fleet', 'orders'], /give one of them/],
    [['--colour'], /Unknown option '--colour'/],
    [['--fleet'], /--fleet/],
    [['extra'], /positional argument/],
    [['--world', '/nonexistent/world.json'], /cannot read world file \/nonexistent\/world.json/],
  ])('%j', async (argv, reason) => {
    const { code, stdout, stderr } = await status(argv);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/^status: /);
    expect(stderr).toMatch(reason);
    expect(stderr.trimEnd().split('\n')).toHaveLength(1);
  });

  it('--help describes both sources and exits 0', async () => {
    const { code, stdout } = await status(['--help']);
    expect(code).toBe(0);
    expect(stdout).toContain('gmsa-ready-STAGE-hosts');
    expect(stdout).toContain('run a sandbox world (the built-in demo, or --world FILE)');
  });
});

describe('without --stage: the demo world in a sandbox, run to quiet', () => {
  const hosts = demoHosts();
  const failed = hosts.find((host) => host.status === 'FAILED') as DemoHost;

  it('the demo has the one failed host these tests expect', () => {
    expect(hosts.filter((host) => host.status === 'FAILED')).toHaveLength(1);
    expect(hosts.length).toBeGreaterThan(2);
  });

  it('--json lists every host with its final status, failure reason and whole-second ages', async () => {
    const { code, stdout, stderr } = await status(['--json']);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const rows = (JSON.parse(stdout) as { hosts: JsonRow[] }).hosts;
    expect(rows.map(({ instanceId, fleet, status }) => ({ instanceId, fleet, status })).sort(byId)).toEqual(
      [...hosts].sort(byId),
    );
    for (const row of rows) {
      expect(Object.keys(row)).toEqual([
        'instanceId',
        'fleet',
        'computerName',
        'status',
        'step',
        'ageSeconds',
        'reason',
      ]);
      expect(Number.isInteger(row.ageSeconds)).toBe(true);
      expect(row.step).toBe('');
    }
    const failedRow = rows.find((row) => row.instanceId === failed.instanceId);
    expect(failedRow?.reason).toMatch(FAILED_REASON);
    // Terminated hosts joined first: the name the join produced is kept.
    expect(rows.filter((row) => row.status === 'TERMINATED').every((row) => /^EC2AMAZ-/.test(row.computerName))).toBe(
      true,
    );
  });

  it('the table has a row per host of the --fleet asked for, and only those', async () => {
    const fleet = failed.fleet;
    const { code, stdout } = await status(['--fleet', fleet]);
    expect(code).toBe(0);
    const [header, ...lines] = stdout.trimEnd().split('\n');
    expect(header).toMatch(/^INSTANCE +FLEET +COMPUTER +STATUS +STEP +AGE +REASON$/);
    const expected = hosts.filter((host) => host.fleet === fleet);
    expect(lines).toHaveLength(expected.length);
    for (const host of expected) {
      const line = lines.find((l) => l.startsWith(host.instanceId));
      expect(line).toMatch(new RegExp(`^${host.instanceId} +${fleet} +\\S+ +${host.status} `));
    }
    expect(lines.find((l) => l.startsWith(failed.instanceId))).toMatch(
      / join: join-domain-not-found: Domain join failed: /,
    );
  });

  it("--instance prints the failed host's record and recent history", async () => {
    const { code, stdout } = await status(['--instance', failed.instanceId]);
    expect(code).toBe(0);
    expect(stdout).toMatch(new RegExp(`^instance +${failed.instanceId} +fleet ${failed.fleet}`));
    expect(stdout).toMatch(/^status +FAILED/m);
    expect(stdout).toMatch(/^lifecycle +launch hook .* ABANDON at /m);
    expect(stdout).toMatch(/^ {2}\S+Z +join +join command [0-9a-f-]{36} sent to /m);
    // The classified failure and what to do about it (issue 15).
    expect(stdout).toMatch(/^failure +join-domain-not-found at join: Domain join failed: The specified domain /m);
    expect(stdout).toContain(
      `remedy     ${remedyFor('join-domain-not-found')} (docs/troubleshooting.md#join-domain-not-found)`,
    );
  });

  it('--instance --json gives the record itself; an unknown instance exits 1', async () => {
    const { code, stdout } = await status(['--instance', failed.instanceId, '--json']);
    expect(code).toBe(0);
    const { host } = JSON.parse(stdout) as { host: HostRecord };
    expect(host).toMatchObject({ instanceId: failed.instanceId, fleet: failed.fleet, status: 'FAILED' });
    expect(host.reason).toMatch(FAILED_REASON);
    expect(host.failure).toMatchObject({ step: 'join', code: 'join-domain-not-found' });
    expect(host.history.map((entry) => entry.step)).toContain('join');

    const missing = await status(['--instance', 'i-00000000000000000']);
    expect(missing).toMatchObject({
      code: 1,
      stdout: '',
      stderr: 'status: no record for instance i-00000000000000000\n',
    });
  });
});

describe('--stage: the deployed table, read with the caller credentials', () => {
  // Mocked only while these tests run: the sandbox tests above talk to a real (local) table.
  const mockDocumentClient = () => mockClient(DynamoDBDocumentClient);
  let ddb: ReturnType<typeof mockDocumentClient>;
  const NOW = T0 + 3600;
  const TABLE = 'gmsa-ready-dev-hosts';
  const failed = bareRecord({
    instanceId: 'i-0aaaaaaaaaaaaaaa1',
    status: 'FAILED',
    step: 'done',
    reason: 'join: access denied',
    updatedAt: T0 + 600,
  });
  const launching = bareRecord({
    instanceId: 'i-0aaaaaaaaaaaaaaa2',
    fleet: 'payments',
    step: 'join',
    stepStartedAt: T0 + 3000,
  });
  const terminating = fullRecord({ instanceId: 'i-0aaaaaaaaaaaaaaa3' });
  const item = (record: HostRecord) => ({ ...record, pk: `host#${record.instanceId}` });
  const query = (status: string, extra: Record<string, unknown> = {}) => ({
    TableName: TABLE,
    IndexName: 'byStatus',
    KeyConditionExpression: '#s = :status',
    ExpressionAttributeNames: { '#s': 'status' },
    ExpressionAttributeValues: { ':status': status },
    ScanIndexForward: false,
    Limit: PAGE_SIZE,
    ...extra,
  });
  const pageKey = { pk: `host#${launching.instanceId}`, status: 'LAUNCHING', updatedAt: launching.updatedAt };

  beforeAll(() => {
    ddb = mockDocumentClient();
    process.env.AWS_ACCESS_KEY_ID = 'AKIDLOCAL';
    process.env.AWS_SECRET_ACCESS_KEY = 'local-secret';
  });
  beforeEach(() => {
    ddb.reset();
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(NOW * 1000);
  });
  afterEach(() => {
    vi.useRealTimers();
  });
  afterAll(() => {
    ddb.restore();
  });

  it('queries every status through the byStatus index, following page keys, and prints the JSON rows', async () => {
    ddb.on(QueryCommand).resolves({ Items: [] });
    ddb.on(QueryCommand, { ExpressionAttributeValues: { ':status': 'FAILED' } }).resolves({ Items: [item(failed)] });
    ddb
      .on(QueryCommand, { ExpressionAttributeValues: { ':status': 'LAUNCHING' } })
      .resolvesOnce({ Items: [], LastEvaluatedKey: pageKey })
      .resolvesOnce({ Items: [item(launching)] });

    const { code, stdout, stderr } = await status(['--stage', 'dev', '--json']);

    expect(stderr).toBe('');
    expect(code).toBe(0);
    const inputs = ddb.commandCalls(QueryCommand).map((call) => call.args[0].input);
    expect(inputs).toEqual([
      query('LAUNCHING'),
      query('LAUNCHING', { ExclusiveStartKey: pageKey }),
      ...STATUSES.filter((s) => s !== 'LAUNCHING').map((s) => query(s)),
    ]);
    expect(ddb.commandCalls(GetCommand)).toHaveLength(0);
    expect(JSON.parse(stdout)).toEqual({
      hosts: [
        {
          instanceId: failed.instanceId,
          fleet: 'orders',
          computerName: '',
          status: 'FAILED',
          step: '',
          ageSeconds: 3000,
          reason: 'join: access denied',
        },
        {
          instanceId: launching.instanceId,
          fleet: 'payments',
          computerName: '',
          status: 'LAUNCHING',
          step: 'join',
          ageSeconds: 600,
          reason: '',
        },
      ],
    });
  });

  it('--fleet filters the table', async () => {
    ddb.on(QueryCommand).resolves({ Items: [] });
    ddb.on(QueryCommand, { ExpressionAttributeValues: { ':status': 'FAILED' } }).resolves({ Items: [item(failed)] });
    ddb
      .on(QueryCommand, { ExpressionAttributeValues: { ':status': 'TERMINATING' } })
      .resolves({ Items: [item(terminating)] });

    const { code, stdout } = await status(['--stage', 'dev', '--fleet', 'orders']);

    expect(code).toBe(0);
    const lines = stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[1]).toMatch(
      /^i-0aaaaaaaaaaaaaaa3 +orders +EC2AMAZ-ABC123 +TERMINATING +deauthorize +55m00s +deauthorize retry/,
    );
    expect(lines[2]).toMatch(/^i-0aaaaaaaaaaaaaaa1 +orders +- +FAILED +- +50m00s +join: access denied$/);
  });

  it('says which statuses it read only in part', async () => {
    ddb.on(QueryCommand).resolves({ Items: [] });
    ddb.on(QueryCommand, { ExpressionAttributeValues: { ':status': 'TERMINATED' } }).resolves({
      Items: [],
      LastEvaluatedKey: { pk: 'host#i-0aaaaaaaaaaaaaaa9', status: 'TERMINATED', updatedAt: T0 },
    });

    const { code, stderr } = await status(['--stage', 'dev', '--json']);

    expect(code).toBe(0);
    const terminated = ddb
      .commandCalls(QueryCommand)
      .filter((call) => call.args[0].input.ExpressionAttributeValues?.[':status'] === 'TERMINATED');
    expect(terminated).toHaveLength(MAX_PAGES);
    expect(terminated[1]?.args[0].input.ExclusiveStartKey).toEqual(
      JSON.parse(
        Buffer.from(
          encodeCursor({ pk: 'host#i-0aaaaaaaaaaaaaaa9', status: 'TERMINATED', updatedAt: T0 }),
          'base64url',
        ).toString(),
      ),
    );
    expect(stderr).toBe(`status: only the ${PAGE_SIZE * MAX_PAGES} most recently updated TERMINATED hosts were read\n`);
  });

  it('--instance gets one record, consistently read, and prints it as {"host": record}', async () => {
    ddb.on(GetCommand).resolves({ Item: item(terminating) });

    const { code, stdout } = await status(['--stage', 'prod', '--instance', terminating.instanceId, '--json']);

    expect(code).toBe(0);
    expect(ddb.commandCalls(GetCommand).map((call) => call.args[0].input)).toEqual([
      { TableName: 'gmsa-ready-prod-hosts', Key: { pk: `host#${terminating.instanceId}` }, ConsistentRead: true },
    ]);
    expect(ddb.commandCalls(QueryCommand)).toHaveLength(0);
    expect(JSON.parse(stdout)).toEqual({ host: terminating });
  });

  it('a missing table exits 1 naming the table and the likely cause', async () => {
    ddb
      .on(QueryCommand)
      .rejects(new ResourceNotFoundException({ message: 'Requested resource not found', $metadata: {} }));

    const { code, stdout, stderr } = await status(['--stage', 'dev']);

    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toBe(
      `status: table ${TABLE} not found in us-east-1: is stage 'dev' deployed in this Region? (AWS_REGION or --region chooses the Region)\n`,
    );
  });
});

const byId = (a: { instanceId: string }, b: { instanceId: string }) => a.instanceId.localeCompare(b.instanceId);
