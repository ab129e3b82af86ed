import { describe, expect, it } from "vitest";
import { rankHosts } from "../../../shared/scheduling/rank-hosts.ts";
import { seededRandom } from "../../../shared/scheduling/seeded-random.ts";
import { groupPreference } from "../../../shared/scheduling/weighers/group-preference.ts";
import { groupPlacement } from "../../helpers/group-placement.ts";
import { hostUsing } from "../../helpers/host-record.ts";

const hosts = [hostUsing("empty", 0), hostUsing("half", 0.5), hostUsing("busy", 0.8)];
const members = { busy: 2, half: 1 };

describe("soft group policies weigh before the strategy", () => {
  it("soft-affinity puts the host with most members first, even against spread and a wide subset", () => {
    const preference = groupPreference({ group: groupPlacement("g", "soft-affinity", members) });
    for (const seed of ["a", "b", "c", "d"])
      expect(rankHosts(hosts, "spread", 3, seededRandom(seed), preference).map(({ host }) => host.id)).toEqual([
        "busy",
        "half",
        "empty",
      ]);
  });

  it("soft-anti-affinity puts hosts without members first, even against binpack", () => {
    const preference = groupPreference({ group: groupPlacement("g", "soft-anti-affinity", members) });
    expect(rankHosts(hosts, "binpack", 3, seededRandom("x"), preference)[0]!.host.id).toBe("empty");
  });

  it("the subset pick stays among the hosts the policy likes best", () => {
    const preference = groupPreference({ group: groupPlacement("g", "soft-anti-affinity", { busy: 1 }) });
    const firsts = new Set(
      ["a", "b", "c", "d", "e", "f", "g", "h"].map(
        (seed) => rankHosts(hosts, "binpack", 3, seededRandom(seed), preference)[0]!.host.id,
      ),
    );
    expect([...firsts].sort()).toEqual(["empty", "half"]);
  });

  it("hard policies and no group leave ranking to the strategy", () => {
    expect(groupPreference({})).toBeUndefined();
    expect(groupPreference({ group: groupPlacement("g", "anti-affinity", members) })).toBeUndefined();
    expect(groupPreference({ group: groupPlacement("g", "affinity", members) })).toBeUndefined();
  });
});
