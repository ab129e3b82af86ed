import { describe, expect, it } from "vitest";
import { validateCreateBody } from "../../../shared/containers/validate-create.ts";
import type { PlacementRequest } from "../../../shared/scheduling/filters/filter.ts";
import { placeContainer } from "../../../shared/scheduling/place-container.ts";
import { PlacementInstance } from "../../../shared/scheduling/placement-instance.ts";
import type { HostStore } from "../../../shared/store/hosts.ts";
import { groupPlacement } from "../../helpers/group-placement.ts";
import { hostRecord } from "../../helpers/host-record.ts";

const NOW = Date.now();

const hosts = ["a", "b", "c", "d"].map((id) => hostRecord(id, { heartbeat_at: NOW }));
/** The hosts as the table holds them: no claim in these tests changes them. */
const hostStore = {
  list: async () => hosts,
  get: async (id: string) => hosts.find((h) => h.id === id),
} as unknown as HostStore;

function request(): PlacementRequest {
  const spec = validateCreateBody(
    { image: "ab", hints: { group: "web" } },
    { caller: { projectId: "p", userId: "u", roles: ["member"] } },
  );
  return {
    spec,
    cpuMillis: 1000,
    now: NOW,
    hostDownAfterSeconds: 180,
    requestId: "req-group",
    strategy: "binpack",
    hostSubsetSize: 1,
    excludedHostIds: [],
    group: groupPlacement("web", "anti-affinity"),
  };
}

describe("a claim the group refuses", () => {
  it("re-reads the group and skips every host a concurrent member took, not only the one tried", async () => {
    const tried: string[] = [];
    const placement = await placeContainer(
      { cpuMillis: 1000, memory: 512, disk: 10 },
      request(),
      hostStore,
      async (candidate) => {
        tried.push(candidate.id);
        return tried.length === 1 ? "group_full" : "placed";
      },
      {
        table: "t-reread",
        snapshotMaxAgeMs: 60_000,
        // Meanwhile concurrent members took every host.
        rereadGroup: async () => groupPlacement("web", "anti-affinity", { a: 1, b: 1, c: 1, d: 1 }),
      },
    );
    expect(tried).toHaveLength(1);
    expect(placement).toMatchObject({ placed: false });
    expect(placement.placed ? "" : placement.reason).toBe(
      "No valid host was found: 4 hosts: 4 already running a member of group web (anti-affinity).",
    );
  });

  it("goes straight to the host still free", async () => {
    const tried: string[] = [];
    let free = "";
    const placement = await placeContainer(
      { cpuMillis: 1000, memory: 512, disk: 10 },
      request(),
      hostStore,
      async (candidate) => {
        tried.push(candidate.id);
        return tried.length === 1 ? "group_full" : "placed";
      },
      {
        table: "t-free",
        snapshotMaxAgeMs: 60_000,
        rereadGroup: async () => {
          free = hosts.map((h) => h.id).find((id) => id !== tried[0])!;
          return groupPlacement(
            "web",
            "anti-affinity",
            Object.fromEntries(hosts.filter((h) => h.id !== free).map((h) => [h.id, 1])),
          );
        },
      },
    );
    expect(tried).toEqual([tried[0], free]);
    expect(placement).toMatchObject({ placed: true, host: { id: free } });
  });
});

describe("members of one anti-affinity group placed at once by one instance", () => {
  it("reach for different hosts: each counts the others' claims in flight, so none is refused by the group", async () => {
    const instance = new PlacementInstance();
    // Binpack ranks "a" (the fullest) first for every one of them.
    const ranked = ["a", "b", "c", "d"].map((id, index) =>
      hostRecord(id, { heartbeat_at: NOW, mem_total: 8192, mem_used: 4096 - index * 1024 }),
    );
    const rankedStore = { list: async () => ranked, get: async (id: string) => ranked.find((h) => h.id === id) };
    const claimed: string[] = [];
    const claim = async (host: { id: string }) => {
      // The claims overlap: each is still in flight when the next placement ranks the hosts.
      await new Promise((resolve) => setTimeout(resolve, 20));
      claimed.push(host.id);
      return "placed" as const;
    };
    const placements = await Promise.all(
      [1, 2, 3].map((member) =>
        placeContainer(
          { cpuMillis: 1000, memory: 512, disk: 10 },
          { ...request(), requestId: `req-member-${member}` },
          rankedStore as unknown as HostStore,
          claim,
          { table: "t-group-holds", snapshotMaxAgeMs: 60_000, instance },
        ),
      ),
    );
    expect(placements.every((placement) => placement.placed)).toBe(true);
    expect(new Set(claimed).size).toBe(3);
  });
});
