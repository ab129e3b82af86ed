import { describe, expect, it } from "vitest";
import { validateCreateBody } from "../../../shared/containers/validate-create.ts";
import type { HostRecord } from "../../../shared/model/host.ts";
import { ContentionWindow } from "../../../shared/scheduling/contention-window.ts";
import type { PlacementRequest } from "../../../shared/scheduling/filters/filter.ts";
import { type ClaimOnHost, placeContainer } from "../../../shared/scheduling/place-container.ts";
import { PlacementInstance } from "../../../shared/scheduling/placement-instance.ts";
import type { HostStore } from "../../../shared/store/hosts.ts";
import { hostRecord } from "../../helpers/host-record.ts";

const NOW = Date.now();
/** An 8-cpu, 16 GiB host with `usedMillis` of its cpu claimed. */
const host = (id: string, usedMillis: number) =>
  hostRecord(id, { cpus: 8, cpu_total_millis: 8000, cpu_used_millis: usedMillis, mem_total: 16384, heartbeat_at: NOW });

// Fullest first: binpack ranks h0 best, then h1, …
const HOSTS = Array.from({ length: 40 }, (_, index) => host(`h${index}`, 4000 - index * 50));
const hostStore = { list: async () => HOSTS, get: async (id: string) => HOSTS.find((h) => h.id === id) };
const claim = { cpuMillis: 100, memory: 16, disk: 1 };

function request(requestId: string): PlacementRequest {
  return {
    spec: validateCreateBody(
      { image: "ab", cpu: 0.1, memory: 16, disk: 1 },
      { caller: { projectId: "p", userId: "u", roles: ["member"] } },
    ),
    cpuMillis: 100,
    now: NOW,
    hostDownAfterSeconds: 180,
    requestId,
    strategy: "binpack",
    hostSubsetSize: 3,
    excludedHostIds: [],
  };
}

async function place(requestId: string, instance: PlacementInstance, claimOnHost: ClaimOnHost) {
  return placeContainer(claim, request(requestId), hostStore as unknown as HostStore, claimOnHost, {
    table: "t",
    snapshotMaxAgeMs: 60_000,
    instance,
  });
}

describe("ContentionWindow", () => {
  it("doubles on contention, shrinks by a tenth per uncontended claim, never below its base", () => {
    const window = new ContentionWindow(3, 100);
    window.contended();
    window.contended();
    expect(window.size).toBe(12);
    window.claimed();
    expect(window.size).toBe(10); // 10.8
    for (let i = 0; i < 20; i++) window.claimed();
    expect(window.size).toBe(3);
    for (let i = 0; i < 10; i++) window.contended();
    expect(window.size).toBe(100);
  });

  it("closes a burst's wide window within a few dozen quiet claims", () => {
    const window = new ContentionWindow(3, 4096);
    for (let i = 0; i < 12; i++) window.contended();
    expect(window.size).toBe(4096);
    for (let i = 0; i < 70; i++) window.claimed();
    expect(window.size).toBe(3);
  });
});

describe("placement under contention", () => {
  it("moves to a different host after a conflict instead of retrying the same one", async () => {
    const tried: string[] = [];
    const placement = await place("req-a", new PlacementInstance(), async (h) => {
      tried.push(h.id);
      return tried.length === 1 ? "contention" : "placed";
    });
    expect(placement.placed).toBe(true);
    expect(tried).toHaveLength(2);
    expect(tried[1]).not.toBe(tried[0]);
  });

  it("an instance that meets contention spreads its next placements over more of the best hosts", async () => {
    const firstTries = async (instance: PlacementInstance, conflicts: number) => {
      const hosts = new Set<string>();
      for (let i = 0; i < 60; i++) {
        let attempt = 0;
        await place(`req-${conflicts}-${i}`, instance, async (h) => {
          if (attempt++ === 0) hosts.add(h.id);
          return attempt <= conflicts ? "contention" : "placed";
        });
      }
      return hosts;
    };
    // Quiet: every first try is among the best 3 (host_subset_size), so packing stays tight.
    expect([...(await firstTries(new PlacementInstance(), 0))].every((id) => ["h0", "h1", "h2"].includes(id))).toBe(
      true,
    );
    // Contended: the window grows and the first tries reach far past the best 3.
    expect((await firstTries(new PlacementInstance(), 2)).size).toBeGreaterThan(10);
  });
});

describe("claims in flight", () => {
  it("concurrent placements in one instance see a host fill as they reach for it, so none is refused for room", async () => {
    // Three hosts with room for one claim each; the best (h0) is what binpack picks first.
    const tight = ["h0", "h1", "h2"].map((id, index) => host(id, 7900 - index));
    const taken = new Set<string>();
    const read = (h: HostRecord) => (taken.has(h.id) ? { ...h, cpu_used_millis: 8000 } : h);
    const store = {
      list: async () => tight.map(read),
      get: async (id: string) => tight.map(read).find((h) => h.id === id),
    };
    const refused: string[] = [];
    const claimOnHost: ClaimOnHost = async (h) => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      if (taken.has(h.id)) {
        refused.push(h.id);
        return "host_full";
      }
      taken.add(h.id);
      return "placed";
    };
    const instance = new PlacementInstance();
    const placeOne = (id: string) =>
      placeContainer(
        claim,
        { ...request(`req-${id}`), hostSubsetSize: 1 },
        store as unknown as HostStore,
        claimOnHost,
        {
          table: "tight",
          snapshotMaxAgeMs: 60_000,
          instance,
        },
      );
    // Each starts while the one before is still claiming.
    const first = placeOne("a");
    await new Promise((resolve) => setTimeout(resolve, 1));
    const second = placeOne("b");
    await new Promise((resolve) => setTimeout(resolve, 1));
    const placements = await Promise.all([first, second, placeOne("c")]);
    expect(placements.map((placement) => (placement.placed ? placement.host.id : placement.reason))).toEqual([
      "h0",
      "h1",
      "h2",
    ]);
    expect([...taken].sort()).toEqual(["h0", "h1", "h2"]);
    expect(refused).toEqual([]);
  });
});
