// AWS's rules as the judge of the packaged template: @cloud-copilot/iam-simulate (AGPL-3.0, test-only: never in a
// Lambda bundle or on the CLI path, see bundles.test.ts) evaluates each function's role, as packaged, for every
// call each function makes and for the cross-sends no role may combine. The sandbox's own evaluator
// (lib/infra/evaluate.ts) must reach the same decision in every case.
import { beforeAll, describe, expect, it } from 'vitest';
import { type Capability, FUNCTION_CAPABILITIES, holds } from '../../lib/capabilities';
import { loadConfigFile } from '../../lib/config/file';
import { evaluate, type IamRequest } from '../../lib/infra/evaluate';
import { FUNCTIONS, type FunctionKey } from '../../lib/infra/names';
import type { ResolvedStatement } from '../../lib/infra/resolve';
import {
  capabilityRequests,
  documentArn,
  host,
  instance,
  JOIN,
  ownRequests,
  queue,
  sendCommand,
  TABLE,
} from './iam-requests';
import { ACCOUNT, packagedPolicies } from './policies';
import { type Decision, simulateRequest } from './simulator';
import { loadTemplate, STAGE } from './template';

const config = loadConfigFile(`config/${STAGE}.yml`);
const KEYS = Object.keys(FUNCTIONS) as FunctionKey[];
const byCapability = capabilityRequests(config);
let policies: Record<FunctionKey, ResolvedStatement[]>;

beforeAll(() => {
  policies = packagedPolicies(loadTemplate());
}, 180_000);

/** iam-simulate's decision for one function of the packaged template. */
const simulate = (key: FunctionKey, request: IamRequest): Promise<Decision> =>
  simulateRequest(policies[key], request, `arn:aws:sts::${ACCOUNT}:assumed-role/${FUNCTIONS[key].role}/${key}`);

/** One row: a function makes a request and IAM should decide this. */
interface Row {
  fn: FunctionKey;
  request: IamRequest;
  expected: Decision;
  why: string;
}

const describeRow = (row: Row) =>
  `${row.fn} ${row.request.action} ${row.request.resource}${row.request.context ? ` ${JSON.stringify(row.request.context)}` : ''}`;

/** Every call of every capability, for every function: allowed exactly when the function holds a capability making it. */
function capabilityRows(): Row[] {
  const same = (a: IamRequest, b: IamRequest) => JSON.stringify(a) === JSON.stringify(b);
  const heldBy = (fn: FunctionKey, request: IamRequest) =>
    (Object.keys(byCapability) as Capability[]).some(
      (capability) => holds(fn, capability) && byCapability[capability].some((r) => same(r, request)),
    );
  return KEYS.flatMap((fn) => [
    ...(Object.entries(byCapability) as [Capability, IamRequest[]][]).flatMap(([capability, requests]) =>
      requests.map((request) => ({
        fn,
        request,
        expected: heldBy(fn, request) ? ('allowed' as const) : ('denied' as const),
        why: capability,
      })),
    ),
    ...ownRequests(fn).map((request) => ({ fn, request, expected: 'allowed' as const, why: 'own' })),
  ]);
}

const MGMT = 'i-0123456789abcdef0';
const WINDOWS_GROUP = 'prod-ecs-win-orders';
const LINUX_GROUP = 'prod-ecs-linux-payments';
const DOMAINLESS_GROUP = 'prod-ecs-win-reports';

/** A SendCommand: allowed only when IAM allows the document and the instance (each on its own). */
interface Send {
  fn: FunctionKey;
  document: string;
  target: ReturnType<typeof host>;
  expected: Decision;
}

const WORKERS: FunctionKey[] = ['lifecycle', 'commandStatus', 'continue', 'reconciler'];
const SENDS: Send[] = [
  // The directory function: management-host documents on the management host, and nothing else.
  { fn: 'directory', document: documentArn('groupChange'), target: host(MGMT), expected: 'allowed' },
  { fn: 'directory', document: documentArn('listMembers'), target: host(MGMT), expected: 'allowed' },
  { fn: 'directory', document: documentArn('groupChange'), target: host('i-0b', WINDOWS_GROUP), expected: 'denied' },
  { fn: 'directory', document: documentArn('listMembers'), target: host('i-0b', LINUX_GROUP), expected: 'denied' },
  { fn: 'directory', document: JOIN, target: host(MGMT), expected: 'denied' },
  { fn: 'directory', document: JOIN, target: host('i-0b', WINDOWS_GROUP), expected: 'denied' },
  { fn: 'directory', document: documentArn('refreshWindows'), target: host(MGMT), expected: 'denied' },
  { fn: 'directory', document: documentArn('refreshLinux'), target: host('i-0b', LINUX_GROUP), expected: 'denied' },
  // The workers: fleet documents on the domain-joined fleets' hosts, never a management host or document.
  ...WORKERS.flatMap((fn): Send[] => [
    { fn, document: JOIN, target: host('i-0b', WINDOWS_GROUP), expected: 'allowed' },
    { fn, document: documentArn('refreshWindows'), target: host('i-0b', WINDOWS_GROUP), expected: 'allowed' },
    { fn, document: documentArn('refreshLinux'), target: host('i-0b', LINUX_GROUP), expected: 'allowed' },
    { fn, document: JOIN, target: host(MGMT), expected: 'denied' },
    { fn, document: documentArn('refreshWindows'), target: host(MGMT), expected: 'denied' },
    { fn, document: documentArn('groupChange'), target: host(MGMT), expected: 'denied' },
    { fn, document: documentArn('listMembers'), target: host(MGMT), expected: 'denied' },
    { fn, document: documentArn('groupChange'), target: host('i-0b', WINDOWS_GROUP), expected: 'denied' },
    { fn, document: documentArn('listMembers'), target: host('i-0b', LINUX_GROUP), expected: 'denied' },
    // A domainless fleet's hosts are never joined, an untagged or foreign instance never reached.
    { fn, document: JOIN, target: host('i-0b', DOMAINLESS_GROUP), expected: 'denied' },
    { fn, document: JOIN, target: host('i-0b'), expected: 'denied' },
    { fn, document: JOIN, target: host('i-0b', 'someone-elses-group'), expected: 'denied' },
  ]),
  { fn: 'statusPage', document: JOIN, target: host('i-0b', WINDOWS_GROUP), expected: 'denied' },
  { fn: 'statusPage', document: documentArn('groupChange'), target: host(MGMT), expected: 'denied' },
];

/** Requests no function may make: other resources of the same services. */
const NOBODY: IamRequest[] = [
  { action: 'dynamodb:DeleteItem', resource: TABLE },
  { action: 'dynamodb:GetItem', resource: `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/another-table` },
  { action: 'sqs:SendMessage', resource: queue('wake-dlq') },
  { action: 'sqs:ReceiveMessage', resource: queue('intake-failures') },
  { action: 'ssm:SendCommand', resource: `arn:aws:ssm:us-east-1::document/AWS-RunPowerShellScript` },
  { action: 'ssm:GetParameter', resource: `arn:aws:ssm:us-east-1:${ACCOUNT}:parameter/gmsa/not-configured` },
  { action: 'secretsmanager:GetSecretValue', resource: `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:x-AbCdEf` },
  {
    action: 'ecs:PutAttributes',
    resource: `arn:aws:ecs:us-east-1:${ACCOUNT}:container-instance/another-cluster/0123456789abcdef`,
    context: { 'ecs:cluster': `arn:aws:ecs:us-east-1:${ACCOUNT}:cluster/another-cluster` },
  },
  {
    action: 'autoscaling:CompleteLifecycleAction',
    resource: `arn:aws:autoscaling:us-east-1:${ACCOUNT}:autoScalingGroup:0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d:autoScalingGroupName/another-group`,
  },
  {
    action: 'ec2:CreateTags',
    resource: instance('i-0b'),
    context: { 'aws:ResourceTag/aws:autoscaling:groupName': 'another-group' },
  },
];

describe('the packaged roles, judged by an IAM policy simulator', () => {
  const rows = capabilityRows();

  it('covers every function and every capability', () => {
    expect(new Set(rows.map((row) => row.fn))).toEqual(new Set(KEYS));
    for (const capability of Object.keys(byCapability) as Capability[])
      expect(byCapability[capability].length, capability).toBeGreaterThan(0);
    expect(rows.filter((row) => row.expected === 'denied').length).toBeGreaterThan(100);
  });

  it.each(KEYS)('%s: allowed every call its capabilities make, denied every other', async (fn) => {
    const mine = rows.filter((row) => row.fn === fn);
    const decided = await Promise.all(
      mine.map(async (row) => ({ row: describeRow(row), why: row.why, decision: await simulate(fn, row.request) })),
    );
    const wrong = decided.filter((d, i) => d.decision !== mine[i]?.expected);
    expect(wrong).toEqual([]);
  });

  it.each(SENDS.map((send) => [send.fn, send.document.split('/').pop(), send.target.resource.split('/').pop(), send]))(
    '%s: SendCommand %s to %s',
    async (_fn, _document, _target, send) => {
      const { fn, document, target, expected } = send as Send;
      const parts = await Promise.all(sendCommand(document, target).map((request) => simulate(fn, request)));
      expect(parts.every((part) => part === 'allowed') ? 'allowed' : 'denied').toBe(expected);
    },
  );

  it.each(WORKERS)(
    '%s: one SendCommand to hosts of several fleets, denied whole for one host it may not reach',
    async (fn) => {
      const decide = async (...targets: ReturnType<typeof host>[]) => {
        const parts = await Promise.all(sendCommand(JOIN, ...targets).map((request) => simulate(fn, request)));
        return parts.every((part) => part === 'allowed') ? 'allowed' : 'denied';
      };
      const fleetHosts = [host('i-0b', WINDOWS_GROUP), host('i-0c', LINUX_GROUP), host('i-0d', WINDOWS_GROUP)];
      expect(await decide(...fleetHosts)).toBe('allowed');
      expect(await decide(...fleetHosts, host(MGMT))).toBe('denied');
      expect(await decide(...fleetHosts, host('i-0e', DOMAINLESS_GROUP))).toBe('denied');
    },
  );

  it.each(KEYS)('%s: denied what no function may do', async (fn) => {
    for (const request of NOBODY) expect(await simulate(fn, request), `${fn} ${request.action}`).toBe('denied');
  });

  it('lets no role send both a management-host document and a fleet document', () => {
    for (const fn of KEYS) expect(holds(fn, 'managementCommands') && holds(fn, 'hostCommands'), fn).toBe(false);
    expect(FUNCTION_CAPABILITIES.directory).not.toContain('hostCommands');
  });
});

describe('the sandbox evaluator (lib/infra/evaluate.ts)', () => {
  it('decides every case as iam-simulate does', async () => {
    const cases: { fn: FunctionKey; request: IamRequest }[] = [
      ...capabilityRows().map(({ fn, request }) => ({ fn, request })),
      ...SENDS.flatMap((send) => sendCommand(send.document, send.target).map((request) => ({ fn: send.fn, request }))),
      ...KEYS.flatMap((fn) => NOBODY.map((request) => ({ fn, request }))),
    ];
    expect(cases.length).toBeGreaterThan(400);
    const disagreements: string[] = [];
    for (const { fn, request } of cases) {
      const ours = evaluate(policies[fn], request);
      const theirs = await simulate(fn, request);
      if (ours !== theirs)
        disagreements.push(`${fn} ${request.action} ${request.resource}: ours ${ours}, simulator ${theirs}`);
    }
    expect(disagreements).toEqual([]);
  });
});
