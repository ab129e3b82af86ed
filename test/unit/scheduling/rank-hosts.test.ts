import { describe, expect, it } from "vitest";
import type { HostRecord } from "../../../shared/hosts/record.ts";
import { rankHosts } from "../../../shared/scheduling/rank-hosts.ts";
import { seededRandom } from "../../../shared/scheduling/seeded-random.ts";
import { STRATEGIES } from "../../../shared/scheduling/weighers/strategies.ts";

function host(id: string, usedShare: number, overrides: Partial<HostRecord> = {}): HostRecord {
  return {
    id,
    hostname: id,
    cpus: 4,
    cpu_total_millis: 4000,
    cpu_used_millis: 4000 * usedShare,
    mem_total: 4000,
    mem_used: 4000 * usedShare,
    disk_total: 100,
    disk_used: 0,
    total_containers: 0,
    architecture: "x86_64",
    os_type: "linux",
    os: "",
    kernel_version: "",
    labels: {},
    runtimes: [],
    availability_zone: "nova",
    queue_url: "",
    enabled: true,
    disabled_reason: null,
    heartbeat_at: 0,
    registered_at: "",
    ...overrides,
  };
}

const hosts = [host("empty", 0), host("quarter", 0.25), host("half", 0.5), host("full-ish", 0.9)];

describe("weighers", () => {
  it.each([
    ["binpack", "full-ish"],
    ["spread", "empty"],
  ] as const)("%s puts %s first", (strategy, first) => {
    expect(rankHosts(hosts, strategy, 1, seededRandom("r")).map((r) => r.host.id)[0]).toBe(first);
  });

  it("scores are integers and a host with zero capacity scores as full, not NaN", () => {
    const empty = host("zero", 0, { cpu_total_millis: 0, mem_total: 0 });
    for (const weigh of Object.values(STRATEGIES)) {
      const score = weigh(empty, () => 0.5);
      expect(Number.isInteger(score)).toBe(true);
    }
    expect(STRATEGIES.binpack(empty, () => 0)).toBe(1_000_000);
    expect(STRATEGIES.spread(empty, () => 0)).toBe(0);
  });

  it("picks at random among the best host_subset_size, and the same request id picks the same", () => {
    const firsts = new Set(
      Array.from({ length: 50 }, (_, i) => rankHosts(hosts, "binpack", 3, seededRandom(`req-${i}`))[0]!.host.id),
    );
    expect([...firsts].sort()).toEqual(["full-ish", "half", "quarter"]);
    const replay = (id: string) => rankHosts(hosts, "random", 2, seededRandom(id)).map((r) => r.host.id);
    expect(replay("req-42")).toEqual(replay("req-42"));
  });
});
