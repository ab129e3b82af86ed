import type { HostRecord } from "../model/host.ts";
import type { Weighed } from "./weighers/weigh-hosts.ts";

export interface RankedHost extends Weighed {
  host: HostRecord;
}

/**
 * Orders candidates for trying: weighed (weighers/weigh-hosts.ts), best
 * first, with a random pick among the best `subsetSize` put in front (Nova's
 * host_subset_size), so concurrent placements do not all race for one host.
 * Ties and the pick come from `random`, seeded per request. A `preference`
 * (a soft group policy) ranks first, and the pick stays among the hosts it
 * likes best.
 */
export function rankHosts(
  candidates: HostRecord[],
  weigh: (host: HostRecord) => Weighed,
  subsetSize: number,
  random: () => number,
): RankedHost[] {
  const shuffled = [...candidates];
  for (let index = shuffled.length - 1; index > 0; index--) {
    const other = Math.floor(random() * (index + 1));
    [shuffled[index], shuffled[other]] = [shuffled[other]!, shuffled[index]!];
  }
  const ranked = shuffled
    .map((host) => ({ host, ...weigh(host) }))
    .sort((a, b) => (b.preference ?? 0) - (a.preference ?? 0) || b.score - a.score);
  return withRandomFront(ranked, subsetSize, random);
}

/**
 * Moves one of the first `subsetSize` hosts, chosen by `random`, to the front,
 * never one a soft group policy likes less than the first.
 */
export function withRandomFront(ranked: RankedHost[], subsetSize: number, random: () => number): RankedHost[] {
  const reordered = [...ranked];
  const liked = reordered.findIndex((other) => (other.preference ?? 0) !== (reordered[0]?.preference ?? 0));
  const best = liked < 0 ? reordered.length : liked;
  const pick = Math.floor(random() * Math.min(Math.max(1, subsetSize), best));
  if (pick > 0) reordered.unshift(...reordered.splice(pick, 1));
  return reordered;
}

/** Whether `a` ranks before `b`. */
export function ranksBefore(a: RankedHost, b: RankedHost): boolean {
  return (
    (a.preference ?? 0) > (b.preference ?? 0) || ((a.preference ?? 0) === (b.preference ?? 0) && a.score > b.score)
  );
}
