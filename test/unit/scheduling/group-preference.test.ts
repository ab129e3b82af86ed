import { describe, expect, it } from "vitest";
import { rankHosts } from "../../../shared/scheduling/rank-hosts.ts";
import { seededRandom } from "../../../shared/scheduling/seeded-random.ts";
import { groupPreference } from "../../../shared/scheduling/weighers/group-preference.ts";
import type { Strategy } from "../../../shared/scheduling/weighers/strategies.ts";
import { weighingOf } from "../../../shared/scheduling/weighers/weigh-hosts.ts";
import { groupPlacement } from "../../helpers/group-placement.ts";
import { hostUsing } from "../../helpers/host-record.ts";

const hosts = [hostUsing("empty", 0), hostUsing("half", 0.5), hostUsing("busy", 0.8)];
const members = { busy: 2, half: 1 };

function rank(strategy: Strategy, subsetSize: number, seed: string, group: ReturnType<typeof groupPlacement>) {
  return rankHosts(hosts, weighingOf(hosts, { strategy, group }), subsetSize, seededRandom(seed));
}

describe("soft group policies weigh before the strategy", () => {
  it("soft-affinity puts the host with most members first, even against spread and a wide subset", () => {
    const group = groupPlacement("g", "soft-affinity", members);
    for (const seed of ["a", "b", "c", "d"])
      expect(rank("spread", 3, seed, group).map(({ host }) => host.id)).toEqual(["busy", "half", "empty"]);
  });

  it("soft-anti-affinity puts hosts without members first, even against binpack", () => {
    const group = groupPlacement("g", "soft-anti-affinity", members);
    expect(rank("binpack", 3, "x", group)[0]!.host.id).toBe("empty");
  });

  it("the subset pick stays among the hosts the policy likes best", () => {
    const group = groupPlacement("g", "soft-anti-affinity", { busy: 1 });
    const firsts = new Set(
      ["a", "b", "c", "d", "e", "f", "g", "h"].map((seed) => rank("binpack", 3, seed, group)[0]!.host.id),
    );
    expect([...firsts].sort()).toEqual(["empty", "half"]);
  });

  it("is a weigher with a multiplier: its normalised part is the preference, and 0 turns it off", () => {
    const group = groupPlacement("g", "soft-affinity", members);
    const weigh = weighingOf(hosts, { strategy: "spread", group });
    expect(weigh(hosts[2]!)).toMatchObject({ preference: 1_000_000, weighers: { group: 1_000_000 } });
    expect(weigh(hosts[1]!)).toMatchObject({ preference: 500_000 });
    const off = weighingOf(hosts, { strategy: "spread", group, multipliers: { group: 0 } });
    expect(off(hosts[2]!)).not.toHaveProperty("preference");
    expect(rankHosts(hosts, off, 1, seededRandom("a"))[0]!.host.id).toBe("empty");
  });

  it("hard policies and no group leave ranking to the strategy", () => {
    expect(groupPreference({})).toBeUndefined();
    expect(groupPreference({ group: groupPlacement("g", "anti-affinity", members) })).toBeUndefined();
    expect(groupPreference({ group: groupPlacement("g", "affinity", members) })).toBeUndefined();
  });
});
