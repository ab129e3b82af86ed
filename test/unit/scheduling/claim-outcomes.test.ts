import { describe, expect, it } from "vitest";
import { validateCreateBody } from "../../../shared/containers/validate-create.ts";
import { ForbiddenError } from "../../../shared/errors.ts";
import type { HostRecord } from "../../../shared/model/host.ts";
import type { PlacementRequest } from "../../../shared/scheduling/filters/filter.ts";
import { type ClaimOnHost, placeContainer } from "../../../shared/scheduling/place-container.ts";
import { PlacementInstance } from "../../../shared/scheduling/placement-instance.ts";
import type { ClaimOutcome } from "../../../shared/store/host-claims.ts";
import type { HostStore } from "../../../shared/store/hosts.ts";
import { hostRecord } from "../../helpers/host-record.ts";

/** Each branch a claim's outcome sends placement down: what it re-reads, and which host it tries next. */
const NOW = Date.now();
const CLAIM = { cpuMillis: 1000, memory: 1024, disk: 10 };

function request(requestId: string): PlacementRequest {
  return {
    spec: validateCreateBody(
      { image: "ab", memory: 1024 },
      { caller: { projectId: "p", userId: "u", roles: ["member"] } },
    ),
    cpuMillis: 1000,
    now: NOW,
    hostDownAfterSeconds: 180,
    requestId,
    strategy: "binpack",
    hostSubsetSize: 1,
    excludedHostIds: [],
  };
}

/** A table of hosts whose reads can be changed under placement, and which counts them. */
function tableOf(hosts: HostRecord[]) {
  const table = { hosts, gets: [] as string[] };
  const store = {
    list: async () => table.hosts,
    get: async (id: string) => {
      table.gets.push(id);
      return table.hosts.find((host) => host.id === id);
    },
  } as unknown as HostStore;
  return { table, store };
}

/** Tries hosts in order, answering each attempt with the next outcome. */
function claims(...outcomes: ClaimOutcome[]) {
  const tried: string[] = [];
  const claimOnHost: ClaimOnHost = async (host) => {
    tried.push(host.id);
    return outcomes.shift() ?? "placed";
  };
  return { tried, claimOnHost };
}

// binpack ranks the fuller host first.
const fuller = () => hostRecord("fuller", { heartbeat_at: NOW, mem_used: 2048 });
const emptier = () => hostRecord("emptier", { heartbeat_at: NOW });

describe("a claim's outcome", () => {
  it("quota_changed: the quota is checked again, then the same host is claimed again", async () => {
    const { store } = tableOf([fuller(), emptier()]);
    const { tried, claimOnHost } = claims("quota_changed", "placed");
    let rechecks = 0;
    const placement = await placeContainer(CLAIM, request("r-quota"), store, claimOnHost, {
      table: "t-quota",
      snapshotMaxAgeMs: 60_000,
      instance: new PlacementInstance(),
      onQuotaChanged: async () => {
        rechecks++;
      },
    });
    expect(placement.placed).toBe(true);
    expect(rechecks).toBe(1);
    expect(tried).toEqual(["fuller", "fuller"]);
  });

  it("quota_changed: a quota now exceeded refuses the create, with nothing claimed", async () => {
    const { store } = tableOf([fuller(), emptier()]);
    const { tried, claimOnHost } = claims("quota_changed");
    const placing = placeContainer(CLAIM, request("r-quota-refused"), store, claimOnHost, {
      table: "t-quota-refused",
      snapshotMaxAgeMs: 60_000,
      instance: new PlacementInstance(),
      onQuotaChanged: async () => {
        throw new ForbiddenError("Quota exceeded for memory");
      },
    });
    await expect(placing).rejects.toBeInstanceOf(ForbiddenError);
    expect(tried).toEqual(["fuller"]);
  });

  it("host_full: the host is read again; one that no longer fits is passed over for the next", async () => {
    const { table, store } = tableOf([fuller(), emptier()]);
    const { tried, claimOnHost } = claims("host_full", "placed");
    const placing = placeContainer(
      CLAIM,
      request("r-full"),
      store,
      async (host, decision) => {
        // Another claim filled it since placement looked.
        table.hosts = [hostRecord("fuller", { heartbeat_at: NOW, mem_used: 4000 }), emptier()];
        return claimOnHost(host, decision);
      },
      { table: "t-full", snapshotMaxAgeMs: 60_000, instance: new PlacementInstance() },
    );
    const placement = await placing;
    expect(placement.placed && placement.host.id).toBe("emptier");
    expect(tried).toEqual(["fuller", "emptier"]);
    expect(table.gets).toContain("fuller");
  });

  it("host_full: a host that still fits when read again stays a candidate and is tried again", async () => {
    const { store } = tableOf([fuller()]);
    const { tried, claimOnHost } = claims("host_full", "placed");
    const placement = await placeContainer(CLAIM, request("r-full-again"), store, claimOnHost, {
      table: "t-full-again",
      snapshotMaxAgeMs: 60_000,
      instance: new PlacementInstance(),
    });
    expect(placement.placed).toBe(true);
    expect(tried).toEqual(["fuller", "fuller"]);
  });

  it("contention on every attempt gives up, saying so, rather than retrying forever", async () => {
    const { store } = tableOf([fuller(), emptier()]);
    const placement = await placeContainer(CLAIM, request("r-contended"), store, async () => "contention", {
      table: "t-contended",
      snapshotMaxAgeMs: 60_000,
      instance: new PlacementInstance(),
    });
    expect(placement.placed).toBe(false);
    expect(placement.decision.outcome).toBe("gave_up");
  });
});
