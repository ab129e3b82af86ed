import type { Multipliers } from "./weigher-names.ts";

/**
 * The strategies are presets of multipliers: binpack fills the fullest host
 * that still fits, spread the emptiest, random ignores load (the seeded
 * shuffle decides). Each keeps the soft group policies, and prefers a host
 * that already has the image.
 */
export const STRATEGIES = {
  binpack: { free_memory: -1, free_cpu: -1, container_count: 0, group: 1, image: 1 },
  spread: { free_memory: 1, free_cpu: 1, container_count: 0, group: 1, image: 1 },
  random: { free_memory: 0, free_cpu: 0, container_count: 0, group: 1, image: 1 },
} as const satisfies Record<string, Multipliers>;

export type Strategy = keyof typeof STRATEGIES;

export function isStrategy(name: string): name is Strategy {
  return Object.hasOwn(STRATEGIES, name);
}
