// Every status in display order. Written as a Record so adding a Status to types.ts without placing it
// here is a compile error rather than a missing row.
import { IN_FLIGHT, type Status } from '../workflow/types';

const ORDER: Record<Status, number> = {
  LAUNCHING: 0,
  TERMINATING: 1,
  CLEANUP_PENDING: 2,
  FAILED: 3,
  READY: 4,
  WARMED: 5,
  TERMINATED: 6,
};

export const STATUSES: readonly Status[] = (Object.keys(ORDER) as Status[]).sort((a, b) => ORDER[a] - ORDER[b]);

export const statusOrder = (status: Status): number => ORDER[status];

export const isInFlight = (status: Status): boolean => IN_FLIGHT.includes(status);
