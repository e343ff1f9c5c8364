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
    const item = (command as { input?: { Item?: Record<string, unknown> } } | null)?.input?.Item;
    if (item) journalPut(journal, now(), item);
    return output;
  };
  return () => {
    if (hadOwn) prototype.send = original;
    else delete (prototype as Partial<typeof prototype>).send;
  };
}

/**
 * Journals an item a PutItem wrote when it is a host record (command refs and markers share the table). The
 * sandbox's wire (lib/sandbox/wire.ts) calls this for the built bundles' writes.
 */
export function journalPut(journal: Journal, at: number, item: Record<string, unknown>): void {
  const pk = item.pk;
  if (typeof pk !== 'string' || !pk.startsWith(HOST_KEY)) return;
  const record = item as unknown as HostRecord;
  journal.writes.push({
    at,
    instanceId: record.instanceId,
    version: record.version,
    status: record.status,
    step: record.step,
    token: record.lifecycle?.token,
    lifecycleResult: record.lifecycle?.result,
    failedStep: record.failedStep,
    computerName: record.computerName,
  });
}
