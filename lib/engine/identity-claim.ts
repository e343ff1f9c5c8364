// The shell's half of "held by another live record" (issue 13): one objectSID belongs to one record. The
// store's conditional write makes the claim atomic across invocations; the holder's record is read so the
// core can judge whether it is still live. Nothing is decided here.
import type { Effect, Signal } from '../workflow/types';
import type { Store } from './ports';

type ClaimEffect = Extract<Effect, { type: 'claimIdentity' }>;

export async function claimIdentity(
  store: Store,
  instanceId: string,
  effect: ClaimEffect,
  at: number,
): Promise<Signal> {
  const { identity, replacing } = effect;
  let holderId: string;
  try {
    holderId = await store.claimIdentity(identity.objectSid, instanceId, replacing);
    if (holderId === instanceId) return { type: 'identityClaim', at, identity };
    const holder = await store.get(holderId);
    return {
      type: 'identityClaim',
      at,
      identity,
      holder: {
        instanceId: holderId,
        status: holder?.status,
        terminatedAt: holder?.terminatedAt,
        objectSid: holder?.identity?.objectSid,
      },
    };
  } catch (error) {
    return { type: 'failed', at, effect: 'claimIdentity', kind: 'retryable', message: String(error) };
  }
}
