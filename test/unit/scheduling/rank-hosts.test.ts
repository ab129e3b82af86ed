import { describe, expect, it } from "vitest";
import type { HostRecord } from "../../../shared/model/host.ts";
import { rankHosts } from "../../../shared/scheduling/rank-hosts.ts";
import { seededRandom } from "../../../shared/scheduling/seeded-random.ts";
import type { Strategy } from "../../../shared/scheduling/weighers/strategies.ts";
import { weighingOf } from "../../../shared/scheduling/weighers/weigh-hosts.ts";
import type { WeighingRequest } from "../../../shared/scheduling/weighers/weigher.ts";
import { hostUsing } from "../../helpers/host-record.ts";

const hosts = [hostUsing("empty", 0), hostUsing("quarter", 0.25), hostUsing("half", 0.5), hostUsing("full-ish", 0.9)];

function rank(candidates: HostRecord[], strategy: Strategy, subsetSize: number, seed: string, extra = {}) {
  const request: WeighingRequest = { strategy, ...extra };
  return rankHosts(candidates, weighingOf(candidates, request), subsetSize, seededRandom(seed));
}

/** How the strategies scored before they were presets of multipliers: the mean free share of cpu and memory. */
function scoredAsBefore(host: HostRecord, strategy: "binpack" | "spread"): number {
  const cpu = host.cpu_total_millis > 0 ? (host.cpu_total_millis - host.cpu_used_millis) / host.cpu_total_millis : 0;
  const memory = host.mem_total > 0 ? (host.mem_total - host.mem_used) / host.mem_total : 0;
  const free = (cpu + memory) / 2;
  return strategy === "spread" ? free : 1 - free;
}

describe("weighers", () => {
  it.each([
    ["binpack", "full-ish"],
    ["spread", "empty"],
  ] as const)("%s puts %s first", (strategy, first) => {
    expect(rank(hosts, strategy, 1, "r").map((r) => r.host.id)[0]).toBe(first);
  });

  it.each(["binpack", "spread"] as const)("the %s preset orders hosts as the %s strategy did", (strategy) => {
    const random = seededRandom(`fill-${strategy}`);
    // Hosts whose cpu and memory fill alike, in 40 random states of fill.
    const many = Array.from({ length: 40 }, (_, index) => hostUsing(`h${index}`, Math.round(random() * 20) / 20));
    const order = rank(many, strategy, 1, "seed").map(({ host }) => scoredAsBefore(host, strategy));
    expect(order).toEqual([...order].sort((a, b) => b - a));
  });

  it("normalises each weigher to 0..1 across the candidates, times its multiplier, summed in millionths", () => {
    const weigh = weighingOf(hosts, { strategy: "spread" });
    expect(weigh(hosts[0]!)).toEqual({ score: 2_000_000, weighers: { free_memory: 1_000_000, free_cpu: 1_000_000 } });
    // half: 0.5 free, between 0.1 (full-ish) and 1 (empty).
    expect(weigh(hosts[2]!)).toEqual({ score: 888_888, weighers: { free_memory: 444_444, free_cpu: 444_444 } });
    expect(weigh(hosts[3]!)).toEqual({ score: 0, weighers: { free_memory: 0, free_cpu: 0 } });
    // Scale does not matter, only the spread across the candidates: memory counts as much as cpu.
    const big = hostUsing("big", 0.5, { mem_total: 64_000, mem_used: 32_000 });
    const weighBig = weighingOf([hosts[0]!, big], { strategy: "binpack" });
    expect(weighBig(big).weighers).toEqual({ free_memory: 0, free_cpu: 0 });
    expect(weighBig(hosts[0]!).weighers).toEqual({ free_memory: -1_000_000, free_cpu: -1_000_000 });
  });

  it("all equal weighs every host 0, and a host with zero capacity weighs as full, not NaN", () => {
    expect(weighingOf([hosts[1]!, hosts[1]!], { strategy: "binpack" })(hosts[1]!).score).toBe(0);
    const zero = hostUsing("zero", 0, { cpu_total_millis: 0, mem_total: 0 });
    const weigh = weighingOf([zero, hosts[0]!], { strategy: "spread" });
    expect(weigh(zero)).toEqual({ score: 0, weighers: { free_memory: 0, free_cpu: 0 } });
    expect(Number.isInteger(weigh(hosts[0]!).score)).toBe(true);
  });

  it("a deployment's multipliers go over the preset's: container count, and memory only", () => {
    const crowded = hostUsing("crowded", 0, { total_containers: 9 });
    const quiet = hostUsing("quiet", 0.5, { total_containers: 1 });
    expect(rank([crowded, quiet], "spread", 1, "r").map((r) => r.host.id)).toEqual(["crowded", "quiet"]);
    const fewest = { multipliers: { container_count: -3 } };
    expect(rank([crowded, quiet], "spread", 1, "r", fewest).map((r) => r.host.id)).toEqual(["quiet", "crowded"]);
    const memoryOnly = weighingOf(hosts, { strategy: "binpack", multipliers: { free_cpu: 0, free_memory: -2 } });
    expect(memoryOnly(hosts[0]!)).toEqual({ score: -2_000_000, weighers: { free_memory: -2_000_000 } });
  });

  it("random weighs nothing: the seeded shuffle orders the hosts", () => {
    expect(rank(hosts, "random", 1, "r").every((ranked) => ranked.score === 0)).toBe(true);
    const firsts = new Set(Array.from({ length: 40 }, (_, i) => rank(hosts, "random", 1, `req-${i}`)[0]!.host.id));
    expect(firsts.size).toBe(4);
  });

  it("picks at random among the best host_subset_size, and the same request id picks the same", () => {
    const firsts = new Set(Array.from({ length: 50 }, (_, i) => rank(hosts, "binpack", 3, `req-${i}`)[0]!.host.id));
    expect([...firsts].sort()).toEqual(["full-ish", "half", "quarter"]);
    const replay = (id: string) => rank(hosts, "random", 2, id).map((r) => r.host.id);
    expect(replay("req-42")).toEqual(replay("req-42"));
  });
});
