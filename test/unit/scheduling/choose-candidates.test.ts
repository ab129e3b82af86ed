import { describe, expect, it } from "vitest";
import { validateCreateBody } from "../../../shared/containers/validate-create.ts";
import type { HostRecord } from "../../../shared/model/host.ts";
import { chooseCandidates } from "../../../shared/scheduling/choose-candidates.ts";
import type { HostFilter, PlacementRequest } from "../../../shared/scheduling/filters/filter.ts";
import { filteredOf, reasonOf } from "../../../shared/scheduling/placement-record.ts";
import { multipliersFor } from "../../../shared/scheduling/weighers/weigh-hosts.ts";
import { groupPlacement } from "../../helpers/group-placement.ts";
import { hostRecord } from "../../helpers/host-record.ts";

const NOW = 1_000_000_000_000;
const host = (id: string, overrides: Partial<HostRecord> = {}) => hostRecord(id, { heartbeat_at: NOW, ...overrides });

function request(
  body: Record<string, unknown>,
  isAdmin = true,
  extra: Partial<PlacementRequest> = {},
): PlacementRequest {
  const spec = validateCreateBody(
    { image: "ab", ...body },
    { caller: { projectId: "p", userId: "u", roles: isAdmin ? ["admin"] : ["member"] } },
  );
  return {
    spec,
    cpuMillis: Math.round(spec.cpu * 1000),
    now: NOW,
    hostDownAfterSeconds: 180,
    requestId: "req-test",
    strategy: "binpack",
    hostSubsetSize: 1,
    excludedHostIds: [],
    ...extra,
  };
}

/** The "no valid host" reason a placement record of these rejections renders. */
function explainNoValidHost(hostCount: number, rejections: Map<HostFilter, HostRecord[]>, req: PlacementRequest) {
  return reasonOf({
    outcome: "no_valid_host",
    strategy: req.strategy,
    multipliers: multipliersFor(req),
    hosts_evaluated: hostCount,
    candidates: 0,
    filtered: filteredOf(rejections, req),
    scores: [],
    attempts: 0,
  });
}

describe("chooseCandidates", () => {
  it("keeps the hosts that fit", () => {
    const result = chooseCandidates(
      [host("empty"), host("half", { cpu_used_millis: 2000, mem_used: 2048 }), host("full", { mem_used: 4096 })],
      request({ cpu: 1, memory: 512 }),
    );
    expect(result.hosts.map((h) => h.id)).toEqual(["empty", "half"]);
  });

  it.each([
    ["enough cpu", host("h", { cpu_used_millis: 3500 }), { cpu: 0.5 }],
    ["enough memory", host("h", { mem_used: 3584 }), { memory: 512 }],
    ["enough disk", host("h", { disk_used: 90 }), { disk: 10 }],
    [
      "enough host ports",
      host("h", { ports_total: 2, ports_used: 0 }),
      { exposed_ports: { "80/tcp": {}, "443/tcp": {} } },
    ],
    ["its availability zone", host("h", { availability_zone: "east" }), { availability_zone: "east" }],
    ["its runtime", host("h", { runtimes: ["runc", "runsc"] }), { runtime: "runsc" }],
    ["its labels", host("h", { labels: { zone: "b" } }), { hints: { "label:zone": "b" } }],
    ["the requested host by name", host("h"), { host: "h" }],
    ["the volume's host", host("h"), { __extra: { volumeHostId: "h" } }],
    [
      "a group's host under affinity",
      host("h"),
      { hints: { group: "db" }, __extra: { group: groupPlacement("db", "affinity", { h: 2 }) } },
    ],
    [
      "room left under max_server_per_host",
      host("h"),
      {
        hints: { group: "web" },
        __extra: { group: groupPlacement("web", "anti-affinity", { h: 1 }, { maxPerHost: 2 }) },
      },
    ],
    [
      "members of a soft-anti-affinity group (it weighs, not filters)",
      host("h"),
      { hints: { group: "web" }, __extra: { group: groupPlacement("web", "soft-anti-affinity", { h: 3 }) } },
    ],
  ])("keeps a host with %s", (_title, candidate, body) => {
    const { __extra, ...fields } = body as Record<string, unknown> & { __extra?: Partial<PlacementRequest> };
    expect(chooseCandidates([candidate], request(fields, true, __extra)).hosts).toEqual([candidate]);
  });

  it.each([
    ["a disabled host", host("h", { enabled: false }), {}, "1 unavailable (1 disabled)"],
    [
      "a host without a recent heartbeat",
      host("h", { heartbeat_at: NOW - 181_000 }),
      {},
      "1 unavailable (1 without a heartbeat for 180 s)",
    ],
    [
      "not enough cpu",
      host("h", { cpu_used_millis: 3800 }),
      { cpu: 0.5 },
      "1 insufficient cpu (need 0.50, best has 0.20)",
    ],
    [
      "not enough memory",
      host("h", { mem_used: 4000 }),
      { memory: 512 },
      "1 insufficient memory (need 512 MiB, best has 96 MiB)",
    ],
    [
      "not enough disk",
      host("h", { disk_used: 95 }),
      { disk: 10 },
      "1 insufficient disk (need 10 GiB, best has 5 GiB)",
    ],
    [
      "zero capacity",
      host("h", { cpu_total_millis: 0, mem_total: 0 }),
      {},
      "1 insufficient cpu (need 1.00, best has 0.00)",
    ],
    [
      "a label mismatch",
      host("h", { labels: { zone: "a" } }),
      { hints: { "label:zone": "b" } },
      "1 label mismatch (want zone=b)",
    ],
    ["another availability zone", host("h"), { availability_zone: "east" }, "1 not in availability zone east"],
    ["another requested host", host("h"), { host: "other" }, "1 is not the requested host other"],
    ["a forced-down host", host("h", { forced_down: true }), {}, "1 unavailable (1 without a heartbeat for 180 s)"],
    ["a missing runtime", host("h"), { runtime: "runsc" }, "1 without runtime runsc"],
    [
      "too few host ports",
      host("h", { ports_total: 1, ports_used: 0 }),
      { exposed_ports: { "80/tcp": {}, "443/tcp": {} } },
      "1 insufficient host ports (need 2, best has 1)",
    ],
    [
      "a host without the mounted volume",
      host("h"),
      { __extra: { volumeHostId: "other" } },
      "1 not where the mounted volume is",
    ],
    ["a host already tried", host("h"), { __extra: { excludedHostIds: ["h"] } }, "1 already tried for this container"],
    [
      "a host with a member of an anti-affinity group",
      host("h"),
      { hints: { group: "web" }, __extra: { group: groupPlacement("web", "anti-affinity", { h: 1 }) } },
      "1 already running a member of group web (anti-affinity)",
    ],
    [
      "a host at max_server_per_host",
      host("h"),
      {
        hints: { group: "web" },
        __extra: { group: groupPlacement("web", "anti-affinity", { h: 2 }, { maxPerHost: 2 }) },
      },
      "1 already running 2 members of group web (anti-affinity)",
    ],
    [
      "a host away from an affinity group",
      host("h"),
      { hints: { group: "db" }, __extra: { group: groupPlacement("db", "affinity", { other: 1 }) } },
      "1 not where group db runs (affinity)",
    ],
  ])("rejects %s and says why", (_title, candidate, body, phrase) => {
    const { __extra, ...fields } = body as Record<string, unknown> & { __extra?: Partial<PlacementRequest> };
    const req = request(fields, true, __extra);
    const result = chooseCandidates([candidate], req);
    expect(result.hosts).toEqual([]);
    expect(explainNoValidHost(1, result.rejections, req)).toBe(`No valid host was found: 1 host: ${phrase}.`);
  });

  it("counts each rejected host once, under the first filter it fails", () => {
    const req = request({ memory: 1024 });
    const hosts = [
      host("a", { mem_used: 4000 }),
      host("b", { mem_used: 3900 }),
      host("c", { enabled: false, mem_used: 4096 }),
    ];
    const result = chooseCandidates(hosts, req);
    expect(explainNoValidHost(3, result.rejections, req)).toBe(
      "No valid host was found: 3 hosts: 1 unavailable (1 disabled); 2 insufficient memory (need 1024 MiB, best has 196 MiB).",
    );
  });

  it("lets an affinity group start anywhere, and an anti-affinity group use every other host", () => {
    expect(
      chooseCandidates(
        [host("a"), host("b")],
        request({ hints: { group: "db" } }, true, {
          group: groupPlacement("db", "affinity", {}, { affinityHost: "a" }),
        }),
      ).hosts,
    ).toHaveLength(2);
    const spread = chooseCandidates(
      [host("a"), host("b")],
      request({ hints: { group: "web" } }, true, { group: groupPlacement("web", "anti-affinity", { a: 1 }) }),
    );
    expect(spread.hosts.map((h) => h.id)).toEqual(["b"]);
  });

  it("says so when no host is registered", () => {
    expect(explainNoValidHost(0, new Map(), request({}))).toBe("No valid host was found: no hosts are registered.");
  });
});
