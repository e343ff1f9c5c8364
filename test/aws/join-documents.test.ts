// Which document a join runs: AWS-JoinDirectoryServiceDomain for an AWS-managed directory, the project's
// JoinWindows/JoinLinux for a self-managed one (and a clear error where the stage lacks them).
import { SendCommandCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { createAwsEffector } from '../../lib/aws/effector';
import type { Effect } from '../../lib/workflow/types';
import { AT } from './helpers';

const ssm = mockClient(SSMClient);
afterEach(() => ssm.reset());

const refresh = { refreshWindowsDocument: 'stage-RefreshWindows', refreshLinuxDocument: 'stage-RefreshLinux' };
const joins = { ...refresh, joinWindowsDocument: 'stage-JoinWindows', joinLinuxDocument: 'stage-JoinLinux' };
const join = (platform: 'windows' | 'linux', selfManaged: boolean): Effect => ({
  type: 'sendCommand',
  purpose: 'join',
  platform,
  instanceId: 'i-0a1b2c3d4e5f60718',
  parameters: {},
  timeoutSeconds: 600,
  ...(selfManaged ? { selfManagedJoin: true } : {}),
});

async function documentSent(effect: Effect, env: typeof refresh): Promise<string | undefined> {
  ssm.on(SendCommandCommand).resolves({ Command: { CommandId: 'aaaaaaaa-0000-0000-0000-000000000001' } });
  await createAwsEffector(['hostCommands'], { ssm: new SSMClient({}), env }).run(effect, AT);
  return ssm.commandCalls(SendCommandCommand)[0]?.args[0].input.DocumentName;
}

describe('join documents', () => {
  it.each([
    ['windows', false, 'AWS-JoinDirectoryServiceDomain'],
    ['linux', false, 'AWS-JoinDirectoryServiceDomain'],
    ['windows', true, 'stage-JoinWindows'],
    ['linux', true, 'stage-JoinLinux'],
  ] as const)('%s, self-managed %s: %s', async (platform, selfManaged, document) => {
    expect(await documentSent(join(platform, selfManaged), joins)).toBe(document);
  });

  it('refuses a self-managed join in a stage without the join documents, sending nothing', async () => {
    await expect(documentSent(join('linux', true), refresh)).rejects.toThrow(
      'no join document for a self-managed linux fleet',
    );
    expect(ssm.commandCalls(SendCommandCommand)).toEqual([]);
  });
});
