// Every host record write dynalite accepts, appended to the account's journal: the invariants compare the
// record's version history with what the account saw (lib/sandbox/invariants.ts). The store is not
// intercepted, only watched: the handlers' writes still go to dynalite, unchanged.
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { HostRecord } from '../workflow/types';
import type { Journal } from './model/journal';

type Send = (this: DynamoDBDocumentClient, command: unknown, ...rest: unknown[]) => Promise<unknown>;

const HOST_KEY = 'host#';

/** Watches DocumentClient writes until the returned function is called. */
export function journalRecordWrites(journal: Journal, now: () => number): () => void {
  const prototype = DynamoDBDocumentClient.prototype as unknown as { send: Send };
  const original = prototype.send;
  const hadOwn = Object.hasOwn(prototype, 'send');
  prototype.send = async function send(command, ...rest) {
    const output = await original.call(this, command, ...rest);
    const item = hostItem(command);
    if (item)
      journal.writes.push({
        at: now(),
        instanceId: item.instanceId,
        version: item.version,
        status: item.status,
        step: item.step,
        token: item.lifecycle?.token,
        lifecycleResult: item.lifecycle?.result,
        failedStep: item.failedStep,
        computerName: item.computerName,
      });
    return output;
  };
  return () => {
    if (hadOwn) prototype.send = original;
    else delete (prototype as Partial<typeof prototype>).send;
  };
}

/** The record a PutCommand wrote, when it is a host record (command refs and markers share the table). */
function hostItem(command: unknown): HostRecord | undefined {
  const input = (command as { input?: { Item?: Record<string, unknown> } } | null)?.input;
  const pk = input?.Item?.pk;
  if (typeof pk !== 'string' || !pk.startsWith(HOST_KEY)) return undefined;
  return input?.Item as unknown as HostRecord;
}
