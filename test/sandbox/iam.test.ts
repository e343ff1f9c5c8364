// The sandbox enforces IAM: each SDK call is judged by the calling function's role, built by the template's own
// builder; a refused call fails as AWS fails it and is listed in the report (sandbox.accessDenied).
import { describe, expect, it } from 'vitest';
import { classify } from '../../lib/aws/errors';
import { invocation } from '../../lib/sandbox/functions';
import { SandboxIam } from '../../lib/sandbox/iam';
import { REQUESTS } from '../../lib/sandbox/iam-requests';
import type { Report } from '../../lib/sandbox/report';
import type { SandboxOptions } from '../../lib/sandbox/sandbox';
import { LINUX, MGMT, runSandbox, WIN, world } from './fixtures';

const HOST = 'i-0f000000000000001';
const w = world({});
const place = {
  region: w.region,
  account: w.account,
  groupOf: (id: string) => (id === HOST ? WIN : undefined),
};

const asFunction = <T>(key: 'directory' | 'lifecycle' | 'reconciler', run: () => T): T =>
  invocation.run({ key, name: key }, run);

describe('SandboxIam', () => {
  const iam = () => new SandboxIam(w, place);
  const send = (document: string, instance: string) => ({ DocumentName: document, InstanceIds: [instance] });

  it('judges nothing outside a function invocation (the sandbox reading its own state)', () => {
    expect(iam().authorize('ssm:SendCommand', send('AWS-JoinDirectoryServiceDomain', MGMT))).toBeUndefined();
  });

  it('lets the directory function send GroupChange to the management host and nothing to a fleet host', () => {
    const judge = iam();
    expect(
      asFunction('directory', () => judge.authorize('ssm:SendCommand', send('gmsa-ready-sandbox-GroupChange', MGMT))),
    ).toBeUndefined();
    const refusal = asFunction('directory', () =>
      judge.authorize('ssm:SendCommand', send('gmsa-ready-sandbox-GroupChange', HOST)),
    );
    expect(refusal).toEqual({
      name: 'AccessDeniedException',
      message: `User: arn:aws:sts::${w.account}:assumed-role/DirectoryRole/gmsa-ready-sandbox-directory is not authorized to perform: ssm:SendCommand on resource: arn:aws:ec2:${w.region}:${w.account}:instance/${HOST} because no identity-based policy allows the ssm:SendCommand action`,
    });
    expect(judge.denied).toEqual([
      {
        function: 'directory',
        action: 'ssm:SendCommand',
        resource: `arn:aws:ec2:${w.region}:${w.account}:instance/${HOST}`,
      },
    ]);
    // Classified as the shell classifies AWS's own refusal.
    expect(classify(Object.assign(new Error(refusal?.message), { name: refusal?.name, $metadata: {} }))).toBe('denied');
  });

  it('lets the workers join fleet hosts of their groups, never the management host or another group', () => {
    const judge = iam();
    expect(
      asFunction('lifecycle', () => judge.authorize('ssm:SendCommand', send('AWS-JoinDirectoryServiceDomain', HOST))),
    ).toBeUndefined();
    expect(
      asFunction('lifecycle', () => judge.authorize('ssm:SendCommand', send('AWS-JoinDirectoryServiceDomain', MGMT)))
        ?.name,
    ).toBe('AccessDeniedException');
    expect(
      asFunction('reconciler', () => judge.authorize('ssm:SendCommand', send('gmsa-ready-sandbox-ListMembers', MGMT)))
        ?.name,
    ).toBe('AccessDeniedException');
  });

  it('answers each service in its own words: EC2 UnauthorizedOperation, Auto Scaling AccessDenied', () => {
    const judge = iam();
    expect(asFunction('directory', () => judge.authorize('ec2:DescribeInstances', {}))?.name).toBe(
      'UnauthorizedOperation',
    );
    expect(
      asFunction('directory', () =>
        judge.authorize('autoscaling:CompleteLifecycleAction', { AutoScalingGroupName: LINUX }),
      )?.name,
    ).toBe('AccessDenied');
    expect(asFunction('reconciler', () => judge.authorize('ec2:DescribeInstances', {}))).toBeUndefined();
  });

  it('refuses a call it has no IAM mapping for rather than letting it through unjudged', () => {
    expect(asFunction('lifecycle', () => iam().authorize('ssm:DeleteDocument', { Name: 'x' }))?.name).toBe(
      'AccessDeniedException',
    );
  });
});

const run = (options: Partial<SandboxOptions>): Promise<Report> =>
  runSandbox({
    world: world({
      instances: [{ instanceId: HOST, autoScalingGroupName: WIN }],
      scenario: [{ at: 0, launch: [HOST] }],
    }),
    ...options,
  });

describe('a sandbox run', () => {
  it('makes only calls the IAM mapping knows, and none is refused', async () => {
    const report = await run({});
    expect(report.instances.map((i) => i.status)).toEqual(['READY']);
    expect(report.sandbox.accessDenied).toEqual([]);
    expect(Object.keys(report.sandbox.awsCalls).filter((call) => !REQUESTS[call])).toEqual([]);
  }, 120_000);

  it('fails a call the role does not allow as AWS would, and reports it', async () => {
    // The directory role without its management-host statement: every group change and listing is refused, and
    // the host's cleanup retries for ever, so the run is cut after half an hour of virtual time.
    const report = await run({
      maxVirtualSeconds: 1800,
      narrowRoles: (key, statements) =>
        key === 'directory' ? statements.filter((s) => s.Sid !== 'ManagementHostDocuments') : statements,
    });
    expect(report.sandbox.accessDenied).toContainEqual({
      function: 'directory',
      action: 'ssm:SendCommand',
      resource: `arn:aws:ssm:${w.region}:${w.account}:document/gmsa-ready-sandbox-GroupChange`,
    });
    expect(new Set(report.sandbox.accessDenied.map((d) => d.function))).toEqual(new Set(['directory']));
    const [host] = report.instances;
    expect(host?.status).not.toBe('READY');
    expect(host?.reason).toMatch(/AccessDeniedException: User: .* is not authorized to perform: ssm:SendCommand/);
    expect(host?.inHostGroup).toBe(false);
  }, 180_000);
});
