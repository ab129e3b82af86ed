import type { HostRecord } from "../../hosts/record.ts";

/** Scores one host for one placement; higher is better. Integers, guarded against zero capacity. */
export type Weigher = (host: HostRecord, random: () => number) => number;

const SCALE = 1_000_000;

/** The share of a host's cpu and memory still free, in millionths (0 for a host with no capacity). */
function freeShare(host: HostRecord): number {
  const cpu = host.cpu_total_millis > 0 ? (host.cpu_total_millis - host.cpu_used_millis) / host.cpu_total_millis : 0;
  const memory = host.mem_total > 0 ? (host.mem_total - host.mem_used) / host.mem_total : 0;
  return Math.round(((cpu + memory) / 2) * SCALE);
}

/** binpack fills the fullest host that still fits; spread the emptiest; random ignores load. */
export const STRATEGIES: Record<"binpack" | "spread" | "random", Weigher> = {
  binpack: (host) => SCALE - freeShare(host),
  spread: (host) => freeShare(host),
  random: (_host, random) => Math.floor(random() * SCALE),
};

export type Strategy = keyof typeof STRATEGIES;

export function isStrategy(name: string): name is Strategy {
  return Object.hasOwn(STRATEGIES, name);
}
