import { describe, expect, it } from "vitest";
import { rankHosts } from "../../../shared/scheduling/rank-hosts.ts";
import { seededRandom } from "../../../shared/scheduling/seeded-random.ts";
import { STRATEGIES } from "../../../shared/scheduling/weighers/strategies.ts";
import { hostUsing } from "../../helpers/host-record.ts";

const hosts = [hostUsing("empty", 0), hostUsing("quarter", 0.25), hostUsing("half", 0.5), hostUsing("full-ish", 0.9)];

describe("weighers", () => {
  it.each([
    ["binpack", "full-ish"],
    ["spread", "empty"],
  ] as const)("%s puts %s first", (strategy, first) => {
    expect(rankHosts(hosts, strategy, 1, seededRandom("r")).map((r) => r.host.id)[0]).toBe(first);
  });

  it("scores are integers and a host with zero capacity scores as full, not NaN", () => {
    const empty = hostUsing("zero", 0, { cpu_total_millis: 0, mem_total: 0 });
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
