// Every status in display order. Written as a Record so adding a Status to types.ts without placing it
// here is a compile error rather than a missing row.
import { IN_FLIGHT, type Status } from '../workflow/types';

const ORDER: Record<Status, number> = {
  LAUNCHING: 0,
  ADOPTING: 1,
  TERMINATING: 2,
  CLEANUP_PENDING: 3,
  FAILED: 4,
  ADOPTED_NOT_JOINED: 5,
  ADOPTED_NOT_IN_GROUP: 6,
  ADOPTED_NOT_VERIFIED: 7,
  READY: 8,
  WARMED: 9,
  TERMINATED: 10,
};

export const STATUSES: readonly Status[] = (Object.keys(ORDER) as Status[]).sort((a, b) => ORDER[a] - ORDER[b]);

export const statusOrder = (status: Status): number => ORDER[status];

export const isInFlight = (status: Status): boolean => IN_FLIGHT.includes(status);
