import { describe, expect, it } from "vitest";
import { validateCreateBody } from "../../../shared/containers/validate-create.ts";
import { ForbiddenError, InvalidFieldError } from "../../../shared/errors.ts";
import type { HostRecord } from "../../../shared/model/host.ts";
import { chooseCandidates } from "../../../shared/scheduling/choose-candidates.ts";
import type { PlacementRequest } from "../../../shared/scheduling/filters/filter.ts";
import { parseAvailabilityZone } from "../../../shared/scheduling/forced-host.ts";
import { groupPlacement } from "../../helpers/group-placement.ts";
import { hostRecord } from "../../helpers/host-record.ts";

const NOW = 1_000_000_000_000;
const host = (id: string, overrides: Partial<HostRecord> = {}) => hostRecord(id, { heartbeat_at: NOW, ...overrides });
const ADMIN = { projectId: "p", userId: "u", roles: ["admin"] };
const MEMBER = { projectId: "p", userId: "u", roles: ["member"] };
const admin = { caller: ADMIN, requestedHost: null };

function request(body: Record<string, unknown>, extra: Partial<PlacementRequest> = {}): PlacementRequest {
  const spec = validateCreateBody({ image: "ab", ...body }, { caller: ADMIN });
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

describe("parseAvailabilityZone (Nova's zone:host:node)", () => {
  it.each([
    ["nova", { zone: "nova", forcedHost: null }],
    ["nova:h1", { zone: "nova", forcedHost: "h1" }],
    ["nova:h1:h1", { zone: "nova", forcedHost: "h1" }],
    [":h1", { zone: null, forcedHost: "h1" }],
    ["nova::h1", { zone: "nova", forcedHost: "h1" }],
  ])("reads %s", (value, expected) => {
    expect(parseAvailabilityZone(value, admin)).toEqual(expected);
  });

  it("lets only an admin force a host, and refuses what cannot name one host", () => {
    expect(() => parseAvailabilityZone("nova:h1", { caller: MEMBER, requestedHost: null })).toThrow(ForbiddenError);
    expect(parseAvailabilityZone("nova", { caller: MEMBER, requestedHost: null })).toEqual({
      zone: "nova",
      forcedHost: null,
    });
    for (const value of ["nova:", "nova::", "nova:h1:h2"])
      expect(() => parseAvailabilityZone(value, admin), value).toThrow(InvalidFieldError);
    expect(() => parseAvailabilityZone("nova:h1", { caller: ADMIN, requestedHost: "h2" })).toThrow(
      /forces host h1, but field host asks for h2/,
    );
  });

  it("becomes the record's zone, requested host and forced flag", () => {
    expect(validateCreateBody({ image: "ab", availability_zone: "nova:h1" }, { caller: ADMIN })).toMatchObject({
      availability_zone: "nova",
      requested_host: "h1",
      forced_host: true,
    });
    expect(validateCreateBody({ image: "ab", host: "h1" }, { caller: ADMIN })).toMatchObject({
      requested_host: "h1",
      forced_host: false,
    });
  });
});

describe("a forced host skips the filters of preference, not those of capacity", () => {
  const labelled = { hints: { "label:gpu": "yes" } };

  it("places on a forced host that fails the zone, label, group and retry filters", () => {
    const h1 = host("h1", { availability_zone: "other" });
    const forced = request(
      { availability_zone: "nova:h1", hints: { "label:gpu": "yes", group: "web" } },
      { group: groupPlacement("web", "anti-affinity", { h1: 1 }), excludedHostIds: ["h1"] },
    );
    expect(chooseCandidates([h1, host("h2")], forced).hosts.map((h) => h.id)).toEqual(["h1"]);
    // The same host asked for through `host` runs every filter, as Nova's requested destination does.
    expect(chooseCandidates([h1], request({ host: "h1", ...labelled })).hosts).toEqual([]);
  });

  it("still refuses a forced host that is down, full or lacks the runtime", () => {
    for (const h1 of [
      host("h1", { heartbeat_at: NOW - 600_000 }),
      host("h1", { mem_used: 4000 }),
      host("h1", { runtimes: ["runc"] }),
    ])
      expect(
        chooseCandidates([h1], request({ availability_zone: ":h1", memory: 512, runtime: "runsc" })).hosts,
      ).toEqual([]);
  });
});
