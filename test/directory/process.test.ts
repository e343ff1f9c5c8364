import { SendCommandCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { beforeEach, describe, expect, it } from 'vitest';
import { PACE_SECONDS } from '../../lib/directory/lane';
import { type DirectoryDeps, handleGroupChanges, type LaneId } from '../../lib/directory/process';
import { awsError, sent } from '../aws/helpers';
import { type Harness, harness, silent, sqsEvent, T0 } from '../engine/fakes';
import { change, hostId, MGMT, sidOf, waitingHost } from './changes';

const ssm = mockClient(SSMClient);
const DOCUMENT = 'gmsa-ready-test-GroupChange';
const LIST = 'gmsa-ready-test-ListMembers';
const COMMAND_ID = '1b7f4d2e-8c3a-4e96-b0d5-a2f9e6c14b78';
const HOSTILE = "x';Remove-ADGroup -Identity 'Domain Admins";

let h: Harness;
let deps: DirectoryDeps;
/** The lane flushes the handler asked for: lane and delay. */
let flushes: [LaneId, number][];

beforeEach(async () => {
  ssm.reset();
  ssm.on(SendCommandCommand).resolves({ Command: { CommandId: COMMAND_ID } });
  h = harness();
  h.effector.script = { enqueueGroupChange: silent }; // a failed authorize queues its undo; nothing answers it here
  h.clock.now = T0 + 5;
  flushes = [];
  const requestFlush = async (lane: LaneId, delay: number) => {
    flushes.push([lane, delay]);
  };
  deps = { ...h.deps, ssm: new SSMClient({}), groupChangeDocument: DOCUMENT, listMembersDocument: LIST, requestFlush };
  await h.store.put(waitingHost(1), undefined);
  await h.store.put(waitingHost(2), undefined);
});

describe('handleGroupChanges', () => {
  it('sends one GroupChange command on the management host for the batch and tells each host', async () => {
    const result = await handleGroupChanges(deps, sqsEvent([change(1), change(2)]));

    expect(result).toEqual({ batchItemFailures: [] });
    expect(sent(ssm)).toEqual([
      [
        SendCommandCommand,
        {
          DocumentName: DOCUMENT,
          InstanceIds: [MGMT],
          Parameters: {
            Action: ['add'],
            GroupName: ['OrdersApiHosts'],
            ComputerNames: ['EC2AMAZ-H1$,EC2AMAZ-H2$'],
            ObjectSids: [`${sidOf(1)},${sidOf(2)}`],
            DeleteComputerAccount: ['false'],
            DomainName: ['corp.example.com'],
          },
          TimeoutSeconds: 600,
          Comment: 'gmsa-ready authorize 2 host(s)',
        },
      ],
    ]);
    expect(h.store.commands.get(COMMAND_ID)).toEqual({
      commandId: COMMAND_ID,
      purpose: 'authorize',
      documentName: DOCUMENT,
      targetInstanceId: MGMT,
      instanceIds: [hostId(1), hostId(2)],
      sentAt: T0 + 5,
      lane: { key: `${MGMT}#authorize`, token: expect.any(String) },
    });
    for (const n of [1, 2])
      expect((await h.store.get(hostId(n)))?.pending).toEqual({
        purpose: 'authorize',
        commandId: COMMAND_ID,
        targetInstanceId: MGMT,
        requestedAt: 1_772_442_847,
        attempt: 1,
        claimId: expect.any(String),
        claimedAt: T0 + 5,
      });
  });

  it('sends a duplicate delivery of a host’s change only once', async () => {
    const result = await handleGroupChanges(deps, sqsEvent([change(1), change(1)]));
    expect(result).toEqual({ batchItemFailures: [] });
    expect(ssm).toHaveReceivedCommandTimes(SendCommandCommand, 1);
    expect(ssm).toHaveReceivedCommandWith(SendCommandCommand, {
      Parameters: expect.objectContaining({ ComputerNames: ['EC2AMAZ-H1$'] }),
    });
    expect(h.store.commands.get(COMMAND_ID)?.instanceIds).toEqual([hostId(1)]);
  });

  it('puts a throttled batch back on its lane, writes nothing about its hosts, and sends it with the flush', async () => {
    ssm.on(SendCommandCommand).rejects(awsError('ThrottlingException', 'Rate exceeded'));
    const before = [await h.store.get(hostId(1)), await h.store.get(hostId(2))];

    const result = await handleGroupChanges(deps, sqsEvent([change(1), change(2)]));

    // The lane holds the changes now: their messages are done with (SQS would hold them 720 s).
    expect(result).toEqual({ batchItemFailures: [] });
    const after = [await h.store.get(hostId(1)), await h.store.get(hostId(2))];
    for (const [i, record] of after.entries()) {
      const { claimId: _id, claimedAt: _at, ...pending } = record?.pending ?? {};
      expect(pending).toEqual(before[i]?.pending); // only the claims were written
    }
    expect(h.store.commands.size).toBe(0);
    expect(h.effector.calls).toEqual([]);
    const lane = await h.store.getLane(`${MGMT}#authorize`);
    expect(lane?.inFlight).toEqual({});
    expect(lane?.waiting.map((w) => [w.change.instanceId, w.claimId])).toEqual(
      after.map((r) => [r?.instanceId, r?.pending?.claimId]),
    );
    expect(flushes).toEqual([[{ managementInstanceId: MGMT, purpose: 'authorize' }, PACE_SECONDS]]);

    ssm.on(SendCommandCommand).resolves({ Command: { CommandId: COMMAND_ID } });
    h.clock.now += PACE_SECONDS;
    const flush = { request: 'flush', managementInstanceId: MGMT, purpose: 'authorize' };
    expect(await handleGroupChanges(deps, sqsEvent([flush]))).toEqual({ batchItemFailures: [] });
    expect(ssm).toHaveReceivedNthCommandWith(SendCommandCommand, 2, {
      Parameters: expect.objectContaining({ ComputerNames: ['EC2AMAZ-H1$,EC2AMAZ-H2$'] }),
    });
    for (const n of [1, 2]) expect((await h.store.get(hostId(n)))?.pending?.commandId).toBe(COMMAND_ID);
  });

  it('never returns a batch to SQS once its command went out, even when recording it fails', async () => {
    h.store.putCommand = async () => {
      throw new Error('ProvisionedThroughputExceededException');
    };
    const result = await handleGroupChanges(deps, sqsEvent([change(1), change(2)]));
    expect(result).toEqual({ batchItemFailures: [] });
    expect(ssm).toHaveReceivedCommandTimes(SendCommandCommand, 1);
    expect(h.telemetry.logs.map((l) => l.message)).toContain(
      'group change sent but not indexed; hosts will find it in SSM',
    );
    // The hosts still learned their command id.
    expect((await h.store.get(hostId(1)))?.pending?.commandId).toBe(COMMAND_ID);
  });

  it('lets only one of two concurrent invocations holding the same change send it', async () => {
    const [a, b] = await Promise.all([
      handleGroupChanges(deps, sqsEvent([change(1)])),
      handleGroupChanges(deps, sqsEvent([change(1)])),
    ]);
    expect([a, b]).toEqual([{ batchItemFailures: [] }, { batchItemFailures: [] }]);
    expect(ssm).toHaveReceivedCommandTimes(SendCommandCommand, 1);
  });

  it('puts back only the throttled batch when another batch of the same event went out', async () => {
    await h.store.put(
      waitingHost(3, {
        status: 'TERMINATING',
        step: 'deauthorize',
        pending: { purpose: 'deauthorize', targetInstanceId: MGMT, requestedAt: T0, attempt: 1 },
      }),
      undefined,
    );
    ssm
      .on(SendCommandCommand)
      .resolvesOnce({ Command: { CommandId: COMMAND_ID } })
      .rejectsOnce(awsError('ThrottlingException', 'Rate exceeded'));
    const removal = change(3, { action: 'remove', purpose: 'deauthorize', deleteComputerAccount: true });

    const result = await handleGroupChanges(deps, sqsEvent([change(1), removal, change(2)]));

    expect(result).toEqual({ batchItemFailures: [] });
    expect(h.store.commands.get(COMMAND_ID)?.instanceIds).toEqual([hostId(1), hostId(2)]);
    expect((await h.store.get(hostId(3)))?.pending?.commandId).toBeUndefined();
    expect((await h.store.getLane(`${MGMT}#deauthorize`))?.waiting.map((w) => w.change.instanceId)).toEqual([
      hostId(3),
    ]);
    expect((await h.store.getLane(`${MGMT}#authorize`))?.waiting).toEqual([]);
    expect(flushes).toEqual([[{ managementInstanceId: MGMT, purpose: 'deauthorize' }, PACE_SECONDS]]);
  });

  it('delivers a failed signal to each host when SendCommand is denied, and does not retry the messages', async () => {
    ssm.on(SendCommandCommand).rejects(awsError('AccessDeniedException', 'not authorized to perform ssm:SendCommand'));

    const result = await handleGroupChanges(deps, sqsEvent([change(1), change(2)]));

    expect(result).toEqual({ batchItemFailures: [] });
    expect(h.store.commands.size).toBe(0);
    for (const n of [1, 2]) {
      // The launch fails at authorize and, the membership having been claimed, undoes it.
      expect(await h.store.get(hostId(n))).toMatchObject({
        step: 'undo',
        failedStep: 'authorize',
        reason: 'authorize: aws-access-denied: AccessDeniedException: not authorized to perform ssm:SendCommand',
      });
    }
    expect(
      h.effector.of('enqueueGroupChange').map((e) => [e.change.instanceId, e.change.action, e.change.purpose]),
    ).toEqual([
      [hostId(1), 'remove', 'undo'],
      [hostId(2), 'remove', 'undo'],
    ]);
  });

  it('lets an error that is not AWS’s escape (a bug must not look like a refusal)', async () => {
    ssm.on(SendCommandCommand).resolves({});
    await expect(handleGroupChanges(deps, sqsEvent([change(1)]))).rejects.toThrow(
      'SendCommand returned no Command.CommandId',
    );
  });

  it('skips a stale change quietly and refuses a forged one loudly', async () => {
    await h.store.put(waitingHost(3, { pending: undefined }), undefined);
    const result = await handleGroupChanges(
      deps,
      sqsEvent([change(3), change(1, { hostGroup: 'Domain Admins' }), change(2)]),
    );
    expect(result).toEqual({ batchItemFailures: [] });
    expect(ssm).toHaveReceivedCommandTimes(SendCommandCommand, 1);
    expect(ssm).toHaveReceivedCommandWith(SendCommandCommand, {
      Parameters: expect.objectContaining({ ComputerNames: ['EC2AMAZ-H2$'], GroupName: ['OrdersApiHosts'] }),
    });
    expect(h.telemetry.metrics).toEqual([
      { name: 'EventRejected', unit: 'Count', value: 1, dimensions: { Source: 'directory' } },
    ]);
    expect(h.telemetry.logs).toContainEqual({
      level: 'info',
      message: 'group change skipped: host is not waiting for authorize',
      fields: { instanceId: hostId(3) },
    });
    expect(h.telemetry.logs).toContainEqual({
      level: 'error',
      message: 'group change refused: hostGroup differs from the fleet configuration',
      fields: { instanceId: hostId(1), fleet: 'orders' },
    });
  });
});

describe('handleGroupChanges: group commit on the management host', () => {
  const AUTHORIZE: LaneId = { managementInstanceId: MGMT, purpose: 'authorize' };
  const FLUSH = { request: 'flush', ...AUTHORIZE };
  const SECOND = '2c8e5f3a-9d4b-4fa7-81e6-b3a0f7d25c89';

  beforeEach(async () => {
    ssm
      .on(SendCommandCommand)
      .resolvesOnce({ Command: { CommandId: COMMAND_ID } })
      .resolves({ Command: { CommandId: SECOND } });
    await h.store.put(waitingHost(3), undefined);
    // Host 1's change goes out at once: its lane had nothing in flight.
    await handleGroupChanges(deps, sqsEvent([change(1)]));
    h.clock.now += 1;
  });

  it('keeps changes that arrive while the lane’s send runs, and sends them together on the flush', async () => {
    expect(await handleGroupChanges(deps, sqsEvent([change(2)]))).toEqual({ batchItemFailures: [] });
    expect(await handleGroupChanges(deps, sqsEvent([change(3)]))).toEqual({ batchItemFailures: [] });
    expect(ssm).toHaveReceivedCommandTimes(SendCommandCommand, 1);
    // Only the first to wait asks for the flush, when the pace allows the next send.
    expect(flushes).toEqual([[AUTHORIZE, PACE_SECONDS - 1]]);
    expect((await h.store.get(hostId(2)))?.pending).toMatchObject({ claimId: expect.any(String) });
    expect((await h.store.get(hostId(2)))?.pending?.commandId).toBeUndefined();

    h.clock.now += PACE_SECONDS - 1;
    expect(await handleGroupChanges(deps, sqsEvent([FLUSH]))).toEqual({ batchItemFailures: [] });

    expect(ssm).toHaveReceivedCommandTimes(SendCommandCommand, 2);
    expect(ssm).toHaveReceivedNthCommandWith(SendCommandCommand, 2, {
      Parameters: expect.objectContaining({ ComputerNames: ['EC2AMAZ-H2$,EC2AMAZ-H3$'] }),
    });
    expect(h.store.commands.get(SECOND)?.instanceIds).toEqual([hostId(2), hostId(3)]);
    for (const n of [2, 3]) expect((await h.store.get(hostId(n)))?.pending?.commandId).toBe(SECOND);
  });

  it('sends nothing for a flush that comes too early, twice, or to an empty lane', async () => {
    await handleGroupChanges(deps, sqsEvent([change(2)]));
    await handleGroupChanges(deps, sqsEvent([FLUSH])); // the pace has not run: the lane's send is recent
    expect(ssm).toHaveReceivedCommandTimes(SendCommandCommand, 1);
    h.clock.now += PACE_SECONDS;
    await handleGroupChanges(deps, sqsEvent([FLUSH, FLUSH])); // a duplicate delivery rides along
    await handleGroupChanges(deps, sqsEvent([FLUSH]));
    expect(ssm).toHaveReceivedCommandTimes(SendCommandCommand, 2);
  });

  it('drops a waiting change whose record moved on, and sends the rest', async () => {
    await handleGroupChanges(deps, sqsEvent([change(2), change(3)]));
    // Host 2 presumed its change lost and asked again: a new request, no claim yet.
    const moved = await h.store.get(hostId(2));
    await h.store.put(
      {
        ...(moved as NonNullable<typeof moved>),
        version: (moved?.version ?? 0) + 1,
        pending: { purpose: 'authorize', targetInstanceId: MGMT, requestedAt: h.clock.now, attempt: 2 },
      },
      moved?.version,
    );
    h.clock.now += PACE_SECONDS;
    await handleGroupChanges(deps, sqsEvent([FLUSH]));

    expect(ssm).toHaveReceivedNthCommandWith(SendCommandCommand, 2, {
      Parameters: expect.objectContaining({ ComputerNames: ['EC2AMAZ-H3$'] }),
    });
    expect((await h.store.get(hostId(2)))?.pending?.commandId).toBeUndefined();
    expect(h.telemetry.logs).toContainEqual({
      level: 'info',
      message: 'waiting group change dropped: the record moved on',
      fields: { instanceId: hostId(2), reason: 'claimed again since' },
    });
  });

  it('keeps waiting hosts on the lane, claims and all, when their send is throttled', async () => {
    await handleGroupChanges(deps, sqsEvent([change(2)]));
    const claimId = (await h.store.get(hostId(2)))?.pending?.claimId;
    ssm.on(SendCommandCommand).rejects(awsError('ThrottlingException', 'Rate exceeded'));
    h.clock.now += PACE_SECONDS;
    flushes = [];

    expect(await handleGroupChanges(deps, sqsEvent([FLUSH]))).toEqual({ batchItemFailures: [] });

    expect((await h.store.get(hostId(2)))?.pending).toMatchObject({ claimId });
    const lane = await h.store.getLane(`${MGMT}#authorize`);
    expect(Object.keys(lane?.inFlight ?? {})).toHaveLength(1); // host 1's send only
    expect(lane?.waiting.map((w) => w.claimId)).toEqual([claimId]);
    expect(flushes).toEqual([[AUTHORIZE, PACE_SECONDS]]);
  });

  it('lets the hosts resend when a throttled batch cannot wait on the lane either', async () => {
    ssm.on(SendCommandCommand).rejects(awsError('ThrottlingException', 'Rate exceeded'));
    const putLane = h.store.putLane.bind(h.store);
    let writes = 0;
    h.store.putLane = async (lane, expected) => {
      if (++writes > 1) throw awsError('ProvisionedThroughputExceededException', 'Rate of requests exceeds');
      return putLane(lane, expected);
    };
    h.clock.now += PACE_SECONDS;
    flushes = [];

    expect(await handleGroupChanges(deps, sqsEvent([change(2)]))).toEqual({ batchItemFailures: [] });

    expect(h.telemetry.logs.map((l) => l.message)).toContain(
      'throttled group changes could not wait on the lane; their hosts will resend',
    );
    expect(flushes).toEqual([]);
    // The claim stays; at COMMAND_LOST_AFTER the record searches SSM and resends (lib/workflow/commands.ts).
    expect((await h.store.get(hostId(2)))?.pending?.commandId).toBeUndefined();
  });
});

describe('handleGroupChanges: hostile input', () => {
  it('never sends a command for a record and a change carrying an injected computer name', async () => {
    await h.store.put(waitingHost(9, { computerName: HOSTILE }), undefined);
    const result = await handleGroupChanges(deps, sqsEvent([change(9, { computerAccount: `${HOSTILE}$` })]));

    expect(result).toEqual({ batchItemFailures: [] });
    expect(ssm).toHaveReceivedCommandTimes(SendCommandCommand, 0);
    expect(h.store.commands.size).toBe(0);
    expect(h.telemetry.logs).toEqual([
      {
        level: 'error',
        message: 'queue message dropped: computerAccount: must be a NetBIOS name followed by $',
        fields: { messageId: 'm-0' },
      },
    ]);
  });

  it.each([
    ['hostGroup', "OrdersApiHosts'; Add-ADGroupMember -Identity 'Domain Admins' -Members 'x"],
    ['hostGroup', 'OrdersApiHosts`nRemove-ADGroup'],
    ['domainName', "corp.example.com'; Remove-ADGroup -Identity 'Domain Admins"],
    ['domainName', 'corp.example.com\nwhoami'],
    ['managementInstanceId', 'i-0123456789abcdef0"; Remove-Item C:\\'],
  ])('never sends a command for a message with a hostile %s', async (field, value) => {
    const result = await handleGroupChanges(deps, sqsEvent([{ ...change(1), [field]: value }]));
    expect(result).toEqual({ batchItemFailures: [] });
    expect(ssm).toHaveReceivedCommandTimes(SendCommandCommand, 0);
    expect(h.telemetry.logs).toEqual([
      expect.objectContaining({
        level: 'error',
        message: expect.stringContaining(`queue message dropped: ${field}: `),
      }),
    ]);
    expect((await h.store.get(hostId(1)))?.version).toBe(1);
  });

  it('never sends a command for a well-formed change aimed at another group, domain or management host', async () => {
    const result = await handleGroupChanges(
      deps,
      sqsEvent([
        change(1, { hostGroup: 'Domain Admins' }),
        change(1, { domainName: 'evil.example.com' }),
        change(1, { managementInstanceId: 'i-0fedcba9876543210' }),
        change(2, { computerAccount: 'DC01$' }),
      ]),
    );
    expect(result).toEqual({ batchItemFailures: [] });
    expect(ssm).toHaveReceivedCommandTimes(SendCommandCommand, 0);
    expect(h.telemetry.metrics).toHaveLength(4);
  });

  it('survives a batch that is not JSON at all', async () => {
    const result = await handleGroupChanges(deps, sqsEvent(['{"instanceId": ', '[]', 'null']));
    expect(result).toEqual({ batchItemFailures: [] });
    expect(ssm).toHaveReceivedCommandTimes(SendCommandCommand, 0);
  });
});

describe('handleGroupChanges: member listings the reconciler asks for', () => {
  it('lists the fleet group on its management host, the one role that may, beside the batch', async () => {
    const result = await handleGroupChanges(deps, sqsEvent([{ request: 'list-members', fleet: 'orders' }, change(1)]));
    expect(result).toEqual({ batchItemFailures: [] });
    expect(ssm).toHaveReceivedCommandTimes(SendCommandCommand, 2);
    expect(ssm).toHaveReceivedNthCommandWith(SendCommandCommand, 1, {
      DocumentName: LIST,
      InstanceIds: [MGMT],
      Parameters: { GroupName: ['OrdersApiHosts'], DomainName: ['corp.example.com'], StartAfter: ['-'] },
    });
    expect(h.store.commands.get(COMMAND_ID)).toMatchObject({ purpose: 'authorize' });
  });

  it("sends a listing's next page after the name the page before ended with", async () => {
    const listing = '99999999-2222-3333-4444-555555555555';
    const result = await handleGroupChanges(
      deps,
      sqsEvent([{ request: 'list-members', fleet: 'orders', listing, page: 2, after: 'HOST00399$' }]),
    );
    expect(result).toEqual({ batchItemFailures: [] });
    expect(ssm).toHaveReceivedNthCommandWith(SendCommandCommand, 1, {
      Parameters: { GroupName: ['OrdersApiHosts'], DomainName: ['corp.example.com'], StartAfter: ['HOST00399$'] },
    });
    expect(h.store.commands.get(COMMAND_ID)?.listing).toEqual({ id: listing, page: 2, after: 'HOST00399$' });
  });

  it.each([
    [
      { listing: '99999999-2222-3333-4444-555555555555', page: 2, after: "X$'; whoami" },
      'after: must be - or an upper-case computer account such as BUILD01$',
    ],
    [{ listing: '99999999-2222-3333-4444-555555555555', page: 2 }, 'listing: listing, page and after come together'],
    [{ listing: 'not-a-command', page: 2, after: 'A$' }, 'listing: must be a command id'],
    [
      { listing: '99999999-2222-3333-4444-555555555555', page: 100, after: 'A$' },
      'page: Too big: expected number to be <=99',
    ],
  ])('drops a next-page request that is not one, naming the field (%o)', async (fields, reason) => {
    const result = await handleGroupChanges(deps, sqsEvent([{ request: 'list-members', fleet: 'orders', ...fields }]));
    expect(result).toEqual({ batchItemFailures: [] });
    expect(ssm).toHaveReceivedCommandTimes(SendCommandCommand, 0);
    expect(h.telemetry.logs.map((l) => l.message)).toEqual([`queue message dropped: ${reason}`]);
  });

  it('returns a throttled listing to the queue and drops a malformed one, naming the field', async () => {
    ssm.on(SendCommandCommand).rejects(awsError('ThrottlingException', 'Rate exceeded'));
    const result = await handleGroupChanges(
      deps,
      sqsEvent([
        { request: 'list-members', fleet: 'orders' },
        { request: 'list-members', fleet: "orders'; whoami" },
      ]),
    );
    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: 'm-0' }] });
    expect(h.telemetry.logs.map((l) => l.message)).toEqual([
      'queue message dropped: fleet: must be a fleet name',
      'could not list host group members',
    ]);
  });
});
