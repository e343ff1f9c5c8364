// What an adapter answers: a signal without its time (the effector stamps `at`).
import type { Effect, EffectType, Signal } from '../workflow/types';

type WithoutAt<T> = T extends unknown ? Omit<T, 'at'> : never;

export type Outcome = WithoutAt<Signal>;
export type OutcomeOf<T extends Signal['type']> = Extract<Outcome, { type: T }>;
export type EffectOf<T extends EffectType> = Extract<Effect, { type: T }>;
