import { describe, expect, it } from "vitest";
import { validateCreateBody } from "../../../shared/containers/validate-create.ts";
import type { HostRecord } from "../../../shared/model/host.ts";
import type { PlacementRequest } from "../../../shared/scheduling/filters/filter.ts";
import { type ClaimOnHost, placeContainer } from "../../../shared/scheduling/place-container.ts";
import { reasonOf } from "../../../shared/scheduling/placement-record.ts";
import type { ClaimOutcome } from "../../../shared/store/host-claims.ts";
import type { HostStore } from "../../../shared/store/hosts.ts";
import { hostRecord } from "../../helpers/host-record.ts";

const NOW = Date.now();
const CLAIM = { cpuMillis: 1000, memory: 1024, disk: 10 };

/** The hosts as the table holds them: no claim in these tests changes them. */
function storeOf(hosts: HostRecord[]): HostStore {
  return {
    list: async () => hosts,
    get: async (id: string) => hosts.find((h) => h.id === id),
  } as unknown as HostStore;
}

function request(body: Record<string, unknown> = {}): PlacementRequest {
  const spec = validateCreateBody(
    { image: "ab", memory: 1024, ...body },
    { caller: { projectId: "p", userId: "u", roles: ["admin"] } },
  );
  return {
    spec,
    cpuMillis: 1000,
    now: NOW,
    hostDownAfterSeconds: 180,
    requestId: "req-record",
    strategy: "binpack",
    hostSubsetSize: 1,
    excludedHostIds: [],
  };
}

/** Six hosts: one disabled, one in another zone, two too full, two that fit (one fuller than the other). */
const HOSTS = [
  hostRecord("disabled", { heartbeat_at: NOW, enabled: false }),
  hostRecord("east", { heartbeat_at: NOW, availability_zone: "east" }),
  hostRecord("full-1", { heartbeat_at: NOW, mem_used: 3500 }),
  hostRecord("full-2", { heartbeat_at: NOW, mem_used: 3900 }),
  hostRecord("fits", { heartbeat_at: NOW, mem_used: 1024 }),
  hostRecord("empty", { heartbeat_at: NOW }),
];

async function place(hosts: HostRecord[], claimOnHost: ClaimOnHost, table: string, body = {}) {
  return placeContainer(CLAIM, request({ availability_zone: "nova", ...body }), storeOf(hosts), claimOnHost, {
    table,
    snapshotMaxAgeMs: 60_000,
  });
}

describe("the placement record", () => {
  it("counts each filter's rejections, keeps the best hosts' scores and the attempt that placed it", async () => {
    const outcomes: ClaimOutcome[] = ["host_full", "placed"];
    const placement = await place(HOSTS, async () => outcomes.shift()!, "t-record-placed");
    expect(placement.placed).toBe(true);
    expect(placement.decision).toMatchObject({
      outcome: "placed",
      strategy: "binpack",
      hosts_evaluated: 6,
      candidates: 2,
      filtered: [
        { filter: "compute", hosts: 1, reason: "unavailable (1 disabled)" },
        { filter: "availability zone", hosts: 1, reason: "not in availability zone nova" },
        { filter: "memory", hosts: 2, reason: "insufficient memory (need 1024 MiB, best has 596 MiB)" },
      ],
      attempts: 2,
    });
    // binpack: the fuller of the two that fit scores higher.
    expect(placement.decision.scores.map(({ host }) => host)).toEqual(["fits", "empty"]);
    expect(placement.decision.scores[0]!.score).toBeGreaterThan(placement.decision.scores[1]!.score);
    // Each weigher's part, normalised across the two: the fuller host has the least free memory and equal cpu.
    expect(placement.decision.multipliers).toEqual({
      free_memory: -1,
      free_cpu: -1,
      container_count: 0,
      group: 1,
      image: 1,
    });
    expect(placement.decision.scores.map(({ weighers }) => weighers)).toEqual([
      { free_memory: 0, free_cpu: 0 },
      { free_memory: -1_000_000, free_cpu: 0 },
    ]);
  });

  it("renders the no-valid-host reason from the record, with no claim attempted", async () => {
    let claims = 0;
    const placement = await place(
      HOSTS.filter((host) => !["fits", "empty"].includes(host.id)),
      async () => {
        claims++;
        return "placed";
      },
      "t-record-none",
    );
    expect(claims).toBe(0);
    expect(placement.placed).toBe(false);
    expect(placement.decision).toMatchObject({ outcome: "no_valid_host", hosts_evaluated: 4, candidates: 0 });
    expect(placement.decision.attempts).toBe(0);
    expect(placement.placed ? "" : placement.reason).toBe(reasonOf(placement.decision));
    expect(reasonOf(placement.decision)).toBe(
      "No valid host was found: 4 hosts: 1 unavailable (1 disabled); 1 not in availability zone nova; 2 insufficient memory (need 1024 MiB, best has 596 MiB).",
    );
  });

  it("counts the hosts a claim found full, re-read, under the filter that now refuses them", async () => {
    const fits = HOSTS.find((host) => host.id === "fits")!;
    const filledMeanwhile = { ...fits, mem_used: 4000 };
    const placement = await placeContainer(
      CLAIM,
      request(),
      {
        list: async () => [fits],
        get: async () => filledMeanwhile,
      } as unknown as HostStore,
      async () => "host_full",
      { table: "t-record-filled", snapshotMaxAgeMs: 60_000 },
    );
    expect(placement.decision).toMatchObject({
      outcome: "no_valid_host",
      candidates: 1,
      attempts: 1,
      filtered: [{ filter: "memory", hosts: 1, reason: "insufficient memory (need 1024 MiB, best has 96 MiB)" }],
    });
  });

  it("says it gave up when every attempt met contention", async () => {
    const placement = await place(HOSTS, async () => "contention", "t-record-contention");
    expect(placement.decision).toMatchObject({ outcome: "gave_up", attempts: 30 });
    expect(placement.placed ? "" : placement.reason).toBe(
      "No valid host was found: gave up after 30 attempts under contention.",
    );
  }, 20_000);
});
