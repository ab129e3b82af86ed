import { describe, expect, it } from "vitest";
import { dockerNameOf } from "../../../agents/host-agent/docker/container-name.ts";
import { type SyncWrites, syncStatusFromDocker } from "../../../agents/host-agent/sync-status.ts";
import type { ContainerRecord } from "../../../shared/model/container.ts";
import { Status, TaskState } from "../../../shared/model/container-status.ts";
import { FakeDocker } from "../../helpers/fake-docker.ts";

const IMAGE = "berth-test/busybox:1";

/** The container store's writes a sync makes, in memory, each one kept. */
function recordingContainers() {
  const outcomes: Array<{ uuid: string; generation: number; changes: Partial<ContainerRecord> }> = [];
  const removed: string[] = [];
  const stores: SyncWrites = {
    containers: {
      recordOutcome: async (uuid, generation, changes) => {
        outcomes.push({ uuid, generation, changes });
        return true;
      },
      removeAndRelease: async (record) => {
        removed.push(record.uuid);
        return { released: true, deletedVolumes: [] };
      },
      forgetActionsOfDeleted: async () => undefined,
    },
  };
  return { stores, outcomes, removed };
}

/** A settled record placed on host-1, with the fields a sync reads. */
const settled = (changes: Partial<ContainerRecord> = {}): ContainerRecord =>
  ({
    uuid: "c1",
    host_id: "host-1",
    container_id: null,
    status: Status.Running,
    status_reason: null,
    status_detail: null,
    restart_count: 0,
    task_state: null,
    generation: 3,
    settled_generation: 3,
    auto_remove: false,
    auto_heal: false,
    addresses: null,
    ...changes,
  }) as unknown as ContainerRecord;

async function dockerWithRunning(uuid: string): Promise<FakeDocker> {
  const docker = new FakeDocker([IMAGE]);
  await docker.start(await docker.createContainer({ name: dockerNameOf(uuid), Image: IMAGE, HostConfig: {} }));
  return docker;
}

describe("syncing a container's record from Docker", () => {
  it("records a container that exited by itself as Stopped, with its exit code", async () => {
    const docker = await dockerWithRunning("c1");
    docker.exit(dockerNameOf("c1"), 2);
    const { stores, outcomes } = recordingContainers();

    const now = await syncStatusFromDocker(settled(), "host-1", docker, stores);

    expect(outcomes).toEqual([
      { uuid: "c1", generation: 3, changes: { status: Status.Stopped, status_reason: "exited with code 2" } },
    ]);
    expect(now.status).toBe(Status.Stopped);
  });

  it("writes nothing when Docker agrees with the record", async () => {
    const docker = await dockerWithRunning("c1");
    const { stores, outcomes } = recordingContainers();

    await syncStatusFromDocker(settled(), "host-1", docker, stores);

    expect(outcomes).toEqual([]);
  });

  it("records a container Docker no longer has as Error: No such container", async () => {
    const { stores, outcomes } = recordingContainers();

    await syncStatusFromDocker(settled(), "host-1", new FakeDocker(), stores);

    expect(outcomes.map((outcome) => outcome.changes)).toEqual([
      { status: Status.Error, status_reason: "No such container" },
    ]);
  });

  it("removes an auto_remove container's record once Docker has removed it", async () => {
    const { stores, outcomes, removed } = recordingContainers();

    const now = await syncStatusFromDocker(settled({ auto_remove: true }), "host-1", new FakeDocker(), stores);

    expect(removed).toEqual(["c1"]);
    expect(outcomes).toEqual([]);
    expect(now.status).toBe(Status.Deleted);
  });

  it("leaves a record alone while its work is in flight, or when it is placed elsewhere", async () => {
    const docker = new FakeDocker();
    const { stores, outcomes } = recordingContainers();

    await syncStatusFromDocker(settled({ task_state: TaskState.ContainerStopping }), "host-1", docker, stores);
    await syncStatusFromDocker(settled({ host_id: "host-2" }), "host-1", docker, stores);

    expect(outcomes).toEqual([]);
    expect(docker.calls).toEqual([]);
  });
});
