// Hosts handled together in one invocation share AWS calls: an effect several hosts can share one call for
// (the effector's `joinable` types: DescribeInstanceInformation, SendCommand, TagResources, wakes, the ECS
// attribute and drain writes) is held until every host still being handled is either waiting on such an
// effect or finished, then all held effects go in one runJoined.
// Each host's own loop awaits one effect at a time, so the hold always ends: no host waits on another's work.
import type { Effect, Signal } from '../workflow/types';
import type { Effector } from './ports';

interface Held {
  effect: Effect;
  at: number;
  resolve: (signal: Signal | undefined) => void;
  reject: (error: unknown) => void;
}

export interface Coalescing {
  /** The effector each participant uses instead of the function's own. */
  effector: Effector;
  /** A participant is finished (call exactly once each, also after a failure): it no longer holds up the others. */
  leave(): void;
}

/** A shared effector for `participants` hosts handled concurrently; without `runJoined`, the effector itself. */
export function coalescing(effector: Effector, participants: number): Coalescing {
  const { runJoined, joinable } = effector;
  if (!runJoined || !joinable || participants < 2) return { effector, leave: () => undefined };
  let active = participants;
  let held: Held[] = [];

  const release = (): void => {
    if (held.length === 0 || held.length < active) return;
    const batch = held;
    held = [];
    // The call is made now: its time is the latest at which a held effect was asked for.
    const at = Math.max(...batch.map((h) => h.at));
    runJoined
      .call(
        effector,
        batch.map((h) => h.effect),
        at,
      )
      .then(
        (signals) => {
          for (const [i, h] of batch.entries()) h.resolve(signals[i]);
        },
        (error: unknown) => {
          for (const h of batch) h.reject(error);
        },
      );
  };

  return {
    effector: {
      run(effect, at) {
        if (!joinable.has(effect.type)) return effector.run(effect, at);
        return new Promise((resolve, reject) => {
          held.push({ effect, at, resolve, reject });
          release();
        });
      },
    },
    leave() {
      active--;
      release();
    },
  };
}
