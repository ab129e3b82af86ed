import { describe, expect, it } from "vitest";
import type { ContainerRecord } from "../../../shared/model/container.ts";
import type { VolumeRecord } from "../../../shared/model/volume.ts";
import { recomputeAccounting } from "../../../shared/reconcile/audit-accounting.ts";

const container = (fields: Partial<ContainerRecord>) =>
  ({
    project_id: "p1",
    host_id: "h1",
    claim: { cpuMillis: 500, memory: 64, disk: 3, ports: 1 },
    ...fields,
  }) as ContainerRecord;
const volume = (fields: Partial<VolumeRecord>) =>
  ({ project_id: "p1", host_id: "h1", size: 2, container_uuid: null, ...fields }) as VolumeRecord;

describe("what the records say hosts and projects hold", () => {
  it("adds up placed containers' claims per host and per project", () => {
    const { hosts, projects } = recomputeAccounting(
      [container({}), container({ host_id: "h2", project_id: "p2" }), container({})],
      [],
    );
    expect(hosts.get("h1")).toEqual({
      cpu_used_millis: 1000,
      mem_used: 128,
      disk_used: 6,
      total_containers: 2,
      ports_used: 2,
    });
    expect(hosts.get("h2")).toEqual({
      cpu_used_millis: 500,
      mem_used: 64,
      disk_used: 3,
      total_containers: 1,
      ports_used: 1,
    });
    expect(projects.get("p1")).toEqual({ containers: 2, cpuMillis: 1000, memory: 128, disk: 6 });
  });

  it("counts nothing for a container never placed, or taken off its host", () => {
    const { hosts, projects } = recomputeAccounting(
      [container({ host_id: null, claim: null }), container({ host_id: null })],
      [],
    );
    expect(hosts.size).toBe(0);
    expect(projects.size).toBe(0);
  });

  it("counts one container, and nothing else, for a record on no host that still counts as one", () => {
    const { hosts, projects } = recomputeAccounting(
      [
        container({ host_id: null, claim: null, counts_as_container: true }),
        container({ host_id: null, claim: null, counts_as_container: true, project_id: "p2" }),
        container({ host_id: null, claim: null }),
      ],
      [],
    );
    expect(hosts.size).toBe(0);
    expect(projects.get("p1")).toEqual({ containers: 1, cpuMillis: 0, memory: 0, disk: 0 });
    expect(projects.get("p2")).toEqual({ containers: 1, cpuMillis: 0, memory: 0, disk: 0 });
  });

  it("counts a kept volume's size once its maker is gone, and not while it lives (its size is in the maker's claim)", () => {
    const { hosts, projects } = recomputeAccounting([], [volume({}), volume({ container_uuid: "maker" })]);
    expect(hosts.get("h1")!.disk_used).toBe(2);
    expect(projects.get("p1")).toEqual({ containers: 0, cpuMillis: 0, memory: 0, disk: 2 });
  });
});
