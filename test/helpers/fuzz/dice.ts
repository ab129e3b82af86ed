import { seededRandom } from "../../../shared/scheduling/seeded-random.ts";

/** Seeded choices for the fuzzer: the same seed gives the same requests, so a failure can be replayed. */
export interface Dice {
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [min, max]. */
  int(min: number, max: number): number;
  chance(probability: number): boolean;
  pick<T>(items: readonly T[]): T;
}

export function dice(seed: string): Dice {
  const next = seededRandom(seed);
  const int = (min: number, max: number) => min + Math.floor(next() * (max - min + 1));
  return {
    next,
    int,
    chance: (probability) => next() < probability,
    pick: (items) => items[int(0, items.length - 1)]!,
  };
}
