import type { HostRecord } from "../hosts/record.ts";
import { STRATEGIES, type Strategy } from "./weighers/strategies.ts";

export interface RankedHost {
  host: HostRecord;
  score: number;
}

/**
 * Orders candidates for trying: scored by the strategy, best first, with a
 * random pick among the best `subsetSize` put in front (Nova's
 * host_subset_size), so concurrent placements do not all race for one host.
 * Ties and the pick come from `random`, seeded per request.
 */
export function rankHosts(
  candidates: HostRecord[],
  strategy: Strategy,
  subsetSize: number,
  random: () => number,
): RankedHost[] {
  const shuffled = [...candidates];
  for (let index = shuffled.length - 1; index > 0; index--) {
    const other = Math.floor(random() * (index + 1));
    [shuffled[index], shuffled[other]] = [shuffled[other]!, shuffled[index]!];
  }
  const ranked = shuffled
    .map((host) => ({ host, score: STRATEGIES[strategy](host, random) }))
    .sort((a, b) => b.score - a.score);
  return withRandomFront(ranked, subsetSize, random);
}

/** Moves one of the first `subsetSize` hosts, chosen by `random`, to the front. */
export function withRandomFront(ranked: RankedHost[], subsetSize: number, random: () => number): RankedHost[] {
  const reordered = [...ranked];
  const pick = Math.floor(random() * Math.min(Math.max(1, subsetSize), reordered.length));
  if (pick > 0) reordered.unshift(...reordered.splice(pick, 1));
  return reordered;
}
