import { describe, expect, it } from "vitest";
import { type CapsuleParts, doCapsuleWork } from "../../../agents/host-agent/capsule-work.ts";
import { memberName, sandboxName } from "../../../agents/host-agent/docker/container-name.ts";
import { capsuleStatusOf } from "../../../shared/capsules/statuses.ts";
import type { CapsuleMember, CapsuleRecord } from "../../../shared/model/capsule.ts";
import { Status } from "../../../shared/model/container-status.ts";
import { FakeDocker } from "../../helpers/fake-docker.ts";

const IMAGE = "berth-test/busybox:1";

/** The capsule store as capsule work sees it, in memory: every state it is written to is kept. */
class RecordingCapsules
  implements Pick<CapsuleParts["stores"]["capsules"], "get" | "recordProgress" | "removeAndRelease">
{
  readonly writes: CapsuleRecord[] = [];
  constructor(private current: CapsuleRecord | undefined) {}

  get latest(): CapsuleRecord | undefined {
    return this.current;
  }

  async get(uuid: string): Promise<CapsuleRecord | undefined> {
    return this.current?.uuid === uuid ? structuredClone(this.current) : undefined;
  }

  /** As the real store: only at the same generation, the status derived from the members'. */
  async recordProgress(current: CapsuleRecord, changes: Partial<CapsuleRecord>): Promise<boolean> {
    if (!this.current || this.current.generation !== current.generation) return false;
    const next = { ...current, ...changes };
    this.current = { ...this.current, ...changes, status: capsuleStatusOf(next) };
    this.writes.push(structuredClone(this.current));
    return true;
  }

  async removeAndRelease(record: CapsuleRecord): Promise<boolean> {
    if (this.current?.generation !== record.generation) return false;
    this.current = undefined;
    return true;
  }
}

const member = (name: string): CapsuleMember => ({
  name,
  uuid: `member-${name}`,
  image: IMAGE,
  command: null,
  workdir: null,
  environment: {},
  cpu: 0.1,
  memory: 16,
  exposed_ports: {},
  image_pull_policy: "ifnotpresent",
  volume_mounts: [],
  status: Status.Creating,
  status_reason: null,
  container_id: null,
  exit_code: null,
});

const creating = (): CapsuleRecord => ({
  uuid: "capsule-1",
  name: "capsule-one",
  project_id: "project-1",
  user_id: "user-1",
  labels: {},
  annotations: {},
  restart_policy: { Name: "no", MaximumRetryCount: 0 },
  availability_zone: null,
  init_containers: [member("prepare")],
  containers: [member("app")],
  volumes: [],
  status: Status.Creating,
  status_reason: null,
  task_state: "creating",
  host_id: "host-1",
  host: "host-one",
  claim: { cpuMillis: 100, memory: 16, disk: 0 },
  sandbox_id: null,
  addresses: null,
  generation: 1,
  created_at: "2026-01-01T00:00:00.000Z",
  updated_at: "2026-01-01T00:00:00.000Z",
});

function partsFor(docker: FakeDocker, capsules: RecordingCapsules): CapsuleParts {
  return {
    docker,
    stores: { capsules },
    hostId: "host-1",
    deployment: "berth-unit",
    sandbox: { image: IMAGE, command: ["sleep", "infinity"] },
    initTimeoutMs: 1000,
  };
}

const createMessage = {
  kind: "create_capsule",
  capsule_uuid: "capsule-1",
  generation: 1,
  request_id: "req-1",
} as const;

describe("a capsule whose init container fails", () => {
  it("fails with that container's reason in the same write, and never starts its regular containers", async () => {
    const capsule = creating();
    const docker = new FakeDocker([IMAGE]);
    docker.exitWith(memberName(capsule, { name: "prepare" }), 3);
    const capsules = new RecordingCapsules(capsule);

    await doCapsuleWork(createMessage, partsFor(docker, capsules));

    expect(capsules.writes.length).toBeGreaterThan(0);
    for (const written of capsules.writes)
      if (written.status === Status.Error) expect(written.status_reason, JSON.stringify(written)).not.toBeNull();
    const final = capsules.latest!;
    expect(final.status).toBe(Status.Error);
    expect(final.status_reason).toBe("init container prepare exited with code 3");
    expect(final.task_state).toBeNull();
    expect(final.init_containers[0]).toMatchObject({ status: Status.Error, exit_code: 3 });
    expect(docker.started).toEqual([sandboxName(capsule), memberName(capsule, { name: "prepare" })]);
    expect(docker.started).not.toContain(memberName(capsule, { name: "app" }));
  });
});

describe("a capsule whose init containers succeed", () => {
  it("runs them, then starts its regular containers and ends Running", async () => {
    const capsule = creating();
    const docker = new FakeDocker([IMAGE]);
    docker.exitWith(memberName(capsule, { name: "prepare" }), 0);
    const capsules = new RecordingCapsules(capsule);

    await doCapsuleWork(createMessage, partsFor(docker, capsules));

    const final = capsules.latest!;
    expect(final).toMatchObject({ status: Status.Running, status_reason: null, task_state: null });
    expect(final.init_containers[0]).toMatchObject({ status: Status.Stopped, exit_code: 0 });
    expect(docker.started).toContain(memberName(capsule, { name: "app" }));
    expect(final.sandbox_id).toBe((await docker.inspect(sandboxName(capsule)))?.Id);
  });

  it("is deleted with every Docker part it had", async () => {
    const capsule = creating();
    const docker = new FakeDocker([IMAGE]);
    docker.exitWith(memberName(capsule, { name: "prepare" }), 0);
    const capsules = new RecordingCapsules(capsule);
    await doCapsuleWork(createMessage, partsFor(docker, capsules));
    await capsules.recordProgress(capsules.latest!, { task_state: "deleting", generation: 2 });

    await doCapsuleWork({ ...createMessage, kind: "delete_capsule", generation: 2 }, partsFor(docker, capsules));

    expect(capsules.latest).toBeUndefined();
    expect(docker.containers.size).toBe(0);
  });
});
