// Hostile and malformed directory-queue messages: whoever can write to the queue cannot make the
// management host run anything. Each message is dropped or refused (naming the field or the mismatch),
// nothing throws, nothing is retried, no record moves, and no SendCommand is sent; in a batch with a
// genuine change, the one command sent carries none of the hostile text.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SendCommandCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { beforeEach, describe, expect, it } from 'vitest';
import { type DirectoryDeps, handleGroupChanges } from '../../lib/directory/process';
import { change, MGMT, waitingHost } from '../directory/changes';
import { sqsEvent } from '../engine/fakes';
import { DOMAIN_SID } from '../support/identities';
import { CORPUS, expectPrintableLine, expectPrototypeClean, type Intake, intakeDeps, namedFields } from './support';

interface QueueCase {
  name: string;
  why: string;
  /** Schema failures: the fields the drop names. */
  fields?: string[];
  /** Well-formed but not what the configuration and record allow: the refusal's reason. */
  refused?: string;
  /** The message body: `raw` verbatim, or `body` as JSON. */
  message: string;
}

const DIR = join(CORPUS, 'queue');
const corpus: QueueCase[] = readdirSync(DIR)
  .filter((file) => file.endsWith('.json'))
  .sort()
  .map((file) => {
    const entry = JSON.parse(readFileSync(join(DIR, file), 'utf8'));
    return { ...entry, name: file, message: entry.raw ?? JSON.stringify(entry.body) };
  });

const ssm = mockClient(SSMClient);
const COMMAND_ID = '1b7f4d2e-8c3a-4e96-b0d5-a2f9e6c14b78';
const HOST = 'i-00000000000000001';

let intake: Intake;
let deps: DirectoryDeps;

beforeEach(async () => {
  ssm.reset();
  ssm.on(SendCommandCommand).resolves({ Command: { CommandId: COMMAND_ID } });
  intake = intakeDeps();
  deps = {
    ...intake.deps,
    ssm: new SSMClient({}),
    groupChangeDocument: 'GroupChange',
    listMembersDocument: 'ListMembers',
    requestFlush: async () => {},
  };
  await intake.store.put(waitingHost(1), undefined);
});

async function expectNothingHappened() {
  expect(ssm).toHaveReceivedCommandTimes(SendCommandCommand, 0);
  expect(intake.store.commands.size).toBe(0);
  expect(intake.store.writes).toBe(1);
  expect(await intake.store.get(HOST)).toEqual(waitingHost(1));
  expect(intake.effects).toEqual([]);
  expectPrototypeClean();
}

describe('handleGroupChanges over the queue corpus', () => {
  it('sends exactly one GroupChange for the genuine change the corpus varies (the control)', async () => {
    expect(await handleGroupChanges(deps, sqsEvent([change(1)]))).toEqual({ batchItemFailures: [] });
    expect(ssm).toHaveReceivedCommandTimes(SendCommandCommand, 1);
    expect(ssm).toHaveReceivedCommandWith(SendCommandCommand, {
      DocumentName: 'GroupChange',
      InstanceIds: [MGMT],
      Parameters: {
        Action: ['add'],
        GroupName: ['OrdersApiHosts'],
        ComputerNames: ['EC2AMAZ-H1$'],
        ObjectSids: [`${DOMAIN_SID}-1001`], // the account change(1) proved at resolve (issue 13)
        DeleteComputerAccount: ['false'],
        DomainName: ['corp.example.com'],
      },
    });
  });

  it('holds the corpus', () => {
    expect(corpus.length).toBeGreaterThanOrEqual(30);
  });

  it.each(corpus.map((c) => [c.name, c] as const))('never acts on %s', async (_, entry) => {
    const result = await handleGroupChanges(deps, sqsEvent([entry.message]));
    expect(result).toEqual({ batchItemFailures: [] });
    await expectNothingHappened();

    const [log, ...more] = intake.telemetry.logs;
    expect(more).toEqual([]);
    expect(log?.level).toBe('error');
    expectPrintableLine(log?.message);
    if (entry.refused) {
      expect(log?.message).toBe(`group change refused: ${entry.refused}`);
      expect(intake.telemetry.metrics).toEqual([
        { name: 'EventRejected', unit: 'Count', value: 1, dimensions: { Source: 'directory' } },
      ]);
    } else if (entry.fields) {
      expect(log?.message).toMatch(/^queue message dropped: /);
      expect(namedFields(log?.message.replace(/^queue message dropped: /, '') ?? '')).toEqual(entry.fields);
    } else expect(log?.message).toBe('queue message dropped: not JSON');
    // Every drop counts as a rejected event, so hostile writes to the queue show on the dashboard and alarm.
    expect(intake.telemetry.metrics).toEqual([
      { name: 'EventRejected', unit: 'Count', value: 1, dimensions: { Source: 'directory' } },
    ]);
  });

  it('sends only the genuine change from a batch full of hostile ones, with none of their text', async () => {
    const result = await handleGroupChanges(deps, sqsEvent([...corpus.map((c) => c.message), change(1)]));
    expect(result).toEqual({ batchItemFailures: [] });
    expect(ssm).toHaveReceivedCommandTimes(SendCommandCommand, 1);
    const input = JSON.stringify(ssm.commandCalls(SendCommandCommand)[0]?.args[0].input);
    expect(input).toBe(
      JSON.stringify({
        DocumentName: 'GroupChange',
        InstanceIds: [MGMT],
        Parameters: {
          Action: ['add'],
          GroupName: ['OrdersApiHosts'],
          ComputerNames: ['EC2AMAZ-H1$'],
          ObjectSids: [`${DOMAIN_SID}-1001`], // the account change(1) proved at resolve (issue 13)
          DeleteComputerAccount: ['false'],
          DomainName: ['corp.example.com'],
        },
        TimeoutSeconds: 600,
        Comment: 'gmsa-ready authorize 1 host(s)',
      }),
    );
    expect(intake.store.commands.get(COMMAND_ID)?.instanceIds).toEqual([HOST]);
    expectPrototypeClean();
  });
});
