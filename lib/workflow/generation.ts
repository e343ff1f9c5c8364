// A record serves one generation of an instance. The same instance id can boot a fresh OS (an instance
// refresh that replaces the root volume: aws-facts 17): its terminate action retires the old identity, and
// the launch action that follows opens a new generation on the same record, its history kept. Pure.
import type { HostRecord } from './types';

/**
 * Clears what belonged to the retired generation (its join, name, membership, container instance, cleanup),
 * keeps the history and the tokens already served (a late copy of an old event is still recognised), and
 * counts the generation. Returns the history line.
 */
export function openGeneration(record: HostRecord, action?: string): string {
  const previous = record.generation ?? 1;
  record.generation = previous + 1;
  record.joined = false;
  record.inGroup = false;
  record.ready = false;
  record.draining = false;
  for (const field of GENERATION_FIELDS) delete record[field];
  record.cleanupAttempts = 0;
  const why = action ? ` (${action})` : '';
  return `generation ${record.generation} of ${record.instanceId} begins${why}: generation ${previous} was retired`;
}

/** Fields that describe one generation's host and are dropped when the next one opens. */
const GENERATION_FIELDS = [
  'computerName',
  'expectedComputerName',
  // The old generation's account: left on the record, resolve would be skipped and the old SID sent to the group.
  'identity',
  'hostFqdn',
  'containerInstanceArn',
  'pending',
  'openJoin',
  'unconfirmed',
  'failedStep',
  'failure',
  'standaloneTasks',
  'terminatedAt',
  'cleanupSince',
  'readyAt',
  'launchStartedAt',
  'nextCheckAt',
  'pollChain',
] as const satisfies readonly (keyof HostRecord)[];
