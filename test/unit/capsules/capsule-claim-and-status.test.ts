import { describe, expect, it } from "vitest";
import { capsuleStatusOf } from "../../../shared/capsules/statuses.ts";
import type { CapsuleContainerSpec, CapsuleMember } from "../../../shared/model/capsule.ts";
import { claimOfCapsule } from "../../../shared/model/capsule.ts";
import type { Status } from "../../../shared/model/container-status.ts";
import { usageOf } from "../../../shared/quotas/limits.ts";
import { recomputeAccounting } from "../../../shared/reconcile/audit-accounting.ts";

const container = (cpu: number, memory: number): CapsuleContainerSpec => ({
  name: `c-${cpu}-${memory}`,
  image: "busybox:1",
  command: null,
  workdir: null,
  environment: {},
  cpu,
  memory,
  exposed_ports: {},
  image_pull_policy: "ifnotpresent",
  volume_mounts: [],
});
const member = (status: Status): CapsuleMember => ({
  ...container(0.1, 16),
  uuid: "u",
  status,
  status_reason: null,
  container_id: null,
  exit_code: null,
});

describe("a capsule's claim", () => {
  it("is the regular containers' sum, or the largest init container where that is larger, per resource", () => {
    const claim = claimOfCapsule({
      init_containers: [container(1.5, 32), container(0.2, 16)],
      containers: [container(0.5, 64), container(0.25, 64)],
    });
    expect(claim).toEqual({ cpuMillis: 1500, memory: 128, disk: 0, ports: 0, containers: 4 });
  });

  it("counts every container, init ones too, against the quota", () => {
    const claim = claimOfCapsule({ init_containers: [container(0.1, 8)], containers: [container(0.1, 8)] });
    expect(usageOf(claim)).toEqual({ containers: 2, cpuMillis: 100, memory: 8, disk: 0 });
    expect(usageOf({ cpuMillis: 100, memory: 8, disk: 0 })).toMatchObject({ containers: 1 });
  });
});

describe("a capsule's status, from its containers'", () => {
  const capsule = (
    init: Status[],
    regular: Status[],
    extra: { task_state?: "deleting" | null; status?: Status } = {},
  ) =>
    capsuleStatusOf({
      task_state: extra.task_state ?? null,
      status: extra.status ?? "Creating",
      init_containers: init.map(member),
      containers: regular.map(member),
    });

  it.each([
    [["Stopped"], ["Running", "Running"], {}, "Running"],
    [["Running"], ["Creating"], {}, "Creating"],
    [[], ["Running", "Creating"], {}, "Creating"],
    [["Error"], ["Creating"], {}, "Error"],
    [[], ["Running", "Error"], {}, "Error"],
    [[], ["Stopped", "Running"], {}, "Running"],
    [[], ["Stopped", "Stopped"], {}, "Stopped"],
    [[], ["Stopped", "Restarting"], {}, "Running"],
    [[], ["Creating"], { status: "Error" as Status }, "Error"],
    [[], ["Running"], { task_state: "deleting" as const }, "Deleting"],
  ] as const)("init %j, containers %j, %j → %s", (init, regular, extra, expected) => {
    expect(capsule([...init], [...regular], extra)).toBe(expected);
  });
});

describe("the accounting audit", () => {
  it("counts a capsule's one claim as all its containers on its host and in its project", () => {
    const claim = claimOfCapsule({
      init_containers: [container(0.1, 8)],
      containers: [container(0.2, 16), container(0.2, 16)],
    });
    const { hosts, projects } = recomputeAccounting([{ host_id: "h", project_id: "p", claim }], []);
    expect(hosts.get("h")).toMatchObject({ cpu_used_millis: 400, mem_used: 32, total_containers: 3 });
    expect(projects.get("p")).toEqual({ containers: 3, cpuMillis: 400, memory: 32, disk: 0 });
  });

  it("counts an unplaced capsule's held containers in its project only", () => {
    const { hosts, projects } = recomputeAccounting(
      [{ host_id: null, project_id: "p", claim: null, counts_as_container: 3 }],
      [],
    );
    expect(hosts.size).toBe(0);
    expect(projects.get("p")).toEqual({ containers: 3, cpuMillis: 0, memory: 0, disk: 0 });
  });
});
