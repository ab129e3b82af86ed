import { describe, expect, it } from "vitest";
import { validateCreateBody } from "../../../shared/containers/validate-create.ts";
import { InvalidFieldError } from "../../../shared/errors.ts";
import { claimOnHost, coresNeededBy, cpusetOf, freeCoresOf } from "../../../shared/hosts/pinned-cores.ts";
import { claimOf } from "../../../shared/model/container.ts";
import { chooseCandidates } from "../../../shared/scheduling/choose-candidates.ts";
import type { PlacementRequest } from "../../../shared/scheduling/filters/filter.ts";
import { withClaim } from "../../../shared/scheduling/host-snapshot.ts";
import { filteredOf } from "../../../shared/scheduling/placement-record.ts";
import { hostRecord } from "../../helpers/host-record.ts";

const member = { caller: { projectId: "p", userId: "m", roles: ["member"] } };
const dedicated = (cpu: number) => validateCreateBody({ image: "ab", cpu, cpu_policy: "dedicated" }, member);

function placing(spec: ReturnType<typeof dedicated>): PlacementRequest {
  return {
    spec,
    cpuMillis: spec.cpu * 1000,
    now: Date.now(),
    hostDownAfterSeconds: 180,
    requestId: "req-cores",
    strategy: "binpack",
    hostSubsetSize: 1,
    excludedHostIds: [],
  };
}

describe("the cores a dedicated container pins", () => {
  it("are the lowest free cores of the host, as many as its cpu", () => {
    const host = hostRecord("h", { cpus: 4, pinned_cores: new Set([0, 2]) });
    const spec = dedicated(2);
    expect(freeCoresOf(host)).toEqual([1, 3]);
    expect(claimOnHost(claimOf(spec), host, spec)?.cores).toEqual([1, 3]);
  });

  it("cannot be found on a host with too few free cores", () => {
    const host = hostRecord("h", { cpus: 2, pinned_cores: new Set([1]) });
    const spec = dedicated(2);
    expect(claimOnHost(claimOf(spec), host, spec)).toBeUndefined();
  });

  it("are none for a shared container, whatever cores its claim held on another host", () => {
    const spec = validateCreateBody({ image: "ab", cpu: 1.5 }, member);
    expect(coresNeededBy(spec)).toBe(0);
    const claim = claimOnHost({ ...claimOf(spec), cores: [3] }, hostRecord("h"), spec);
    expect(claim?.cores).toBeUndefined();
    expect(cpusetOf(claim)).toBeUndefined();
  });

  it("are chosen again on a new host: the old host's cores stay with it", () => {
    const spec = dedicated(1);
    const moved = claimOnHost({ ...claimOf(spec), cores: [3] }, hostRecord("h", { cpus: 2 }), spec);
    expect(moved?.cores).toEqual([0]);
  });

  it("are given to Docker as a cpuset list", () => {
    expect(cpusetOf({ cores: [0, 1, 3] })).toBe("0,1,3");
  });

  it("count as pinned in this instance's view of the host once claimed", () => {
    const host = hostRecord("h", { cpus: 2, pinned_cores: new Set([0]) });
    expect(freeCoresOf(withClaim(host, { cpuMillis: 1000, memory: 1, disk: 1, cores: [1] }))).toEqual([]);
  });
});

describe("placing a dedicated container", () => {
  it("passes over hosts without enough free cores, and says so", () => {
    const request = placing(dedicated(2));
    const hosts = [
      hostRecord("busy", { cpus: 4, pinned_cores: new Set([0, 1, 2]) }),
      hostRecord("small", { cpus: 1, cpu_total_millis: 4000 }),
      hostRecord("room", { cpus: 4, pinned_cores: new Set([3]) }),
    ];
    const result = chooseCandidates(hosts, request);
    expect(result.hosts.map((host) => host.id)).toEqual(["room"]);
    const none = chooseCandidates(hosts.slice(0, 2), request);
    const [reason] = filteredOf(none.rejections, request);
    expect(reason).toMatchObject({ filter: "dedicated cores", hosts: 2 });
    expect(reason!.reason).toMatch(/dedicated cores \(need 2 free, best has 1 free\)/);
  });

  it("ignores pinned cores for a shared container", () => {
    const shared = validateCreateBody({ image: "ab", cpu: 1 }, member);
    const full = hostRecord("full", { cpus: 1, pinned_cores: new Set([0]) });
    expect(chooseCandidates([full], placing(shared)).hosts).toHaveLength(1);
  });
});

describe("cpu_policy in a create body", () => {
  it("accepts dedicated and shared, shared by default", () => {
    expect(dedicated(2).cpu_policy).toBe("dedicated");
    expect(validateCreateBody({ image: "ab" }, member).cpu_policy).toBe("shared");
  });

  it("refuses a dedicated container a fraction of a core, naming cpu", () => {
    const error = (() => {
      try {
        dedicated(1.5);
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(InvalidFieldError);
    expect((error as InvalidFieldError).field).toBe("cpu");
  });

  it("refuses another policy, naming cpu_policy", () => {
    expect(() => validateCreateBody({ image: "ab", cpu_policy: "isolated" }, member)).toThrow(InvalidFieldError);
  });
});
