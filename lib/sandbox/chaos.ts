// Seeded misbehaviour of the account (issue 7): duplicated, dropped and reordered events, throttling
// and server errors. Its own random stream, so turning chaos on never changes names or tokens.
import { Random } from './random';
import type { Chaos as ChaosSettings } from './world';

export type EventKind = 'lifecycle' | 'commandStatus';

export interface InjectedFailure {
  name: string;
  fault: 'client' | 'server';
  message: string;
}

/** Longest extra delay a reordered event gets, in virtual seconds. */
const REORDER_SPREAD = 20;

export class Chaos {
  private readonly random: Random;
  readonly injected: Record<string, number> = {};

  constructor(
    private readonly settings: ChaosSettings,
    seed: number,
  ) {
    this.random = new Random(settings.seed ?? seed);
  }

  /** Extra delays, one per copy of the event to deliver; empty when the event is lost. */
  deliveries(kind: EventKind): number[] {
    if (kind === 'commandStatus' && this.hit(this.settings.dropStatusEvents, 'droppedStatusEvents')) return [];
    const copies = this.hit(this.settings.duplicateEvents, 'duplicatedEvents') ? 2 : 1;
    return Array.from({ length: copies }, () =>
      this.settings.reorderEvents ? this.random.next() * REORDER_SPREAD : 0,
    );
  }

  /** A throttling or server error to throw instead of answering this call, if chaos strikes. */
  failure(api: string): InjectedFailure | undefined {
    if (this.hit(this.settings.throttle, 'throttled'))
      return { name: 'ThrottlingException', fault: 'client', message: `Rate exceeded (${api})` };
    if (this.hit(this.settings.apiErrors, 'apiErrors'))
      return { name: 'InternalServerError', fault: 'server', message: `We encountered an internal error (${api})` };
    return undefined;
  }

  private hit(probability: number, counter: string): boolean {
    if (probability <= 0 || this.random.next() >= probability) return false;
    this.injected[counter] = (this.injected[counter] ?? 0) + 1;
    return true;
  }
}
