import { describe, expect, it } from "vitest";
import type { BerthConfig } from "../../../shared/config.ts";
import type { ContainerRecord } from "../../../shared/model/container.ts";
import { rescheduleBuild } from "../../../shared/scheduling/reschedule-build.ts";
import type { Stores } from "../../../shared/store/stores.ts";

const FAILED_ON = { id: "host-a", hostname: "a" };
const CREATE = { kind: "create" as const, container_uuid: "c1", generation: 1, request_id: "req-1", run: true };

/** Stores that fail the test if the reschedule reaches them: these cases are decided before placement. */
const untouched = new Proxy({} as Pick<Stores, "containers" | "groups" | "hosts">, {
  get: (_target, name) => {
    throw new Error(`the reschedule read stores.${String(name)}`);
  },
});

function container(changes: Partial<ContainerRecord> = {}): ContainerRecord {
  return {
    uuid: "c1",
    generation: 1,
    claim: { cpuMillis: 100, memory: 16, disk: 0 },
    requested_host: null,
    forced_host: false,
    mounts: [],
    pending_message: CREATE,
    ...changes,
  } as unknown as ContainerRecord;
}

const context = { stores: untouched, sqs: {} as never, config: { buildAttempts: 3 } as BerthConfig };

describe("rescheduleBuild does not move, and gives the host's reason, for", () => {
  it.each([
    ["a host an admin requested", container({ requested_host: "a" })],
    ["a forced host", container({ forced_host: true })],
    [
      "a container with a volume",
      container({
        mounts: [
          {
            type: "volume",
            destination: "/d",
            volume_uuid: "v1",
            size: 1,
            created_with_container: true,
            auto_remove: true,
          },
        ],
      }),
    ],
    ["work that is not a create", container({ pending_message: { ...CREATE, kind: "start" } })],
  ])("%s", async (_title, record) => {
    expect(await rescheduleBuild(record, FAILED_ON, "the image is missing", context)).toEqual({
      moved: false,
      reason: "the image is missing",
    });
  });

  it("a create that has been tried on as many hosts as it may be", async () => {
    const record = container({ tried_hosts: ["host-x", "host-y"] });
    expect(await rescheduleBuild(record, FAILED_ON, "the image is missing", context)).toEqual({
      moved: false,
      reason: "the image is missing (tried on 3 hosts, the most a create is tried on)",
    });
  });
});
