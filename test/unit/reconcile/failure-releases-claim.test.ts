import { describe, expect, it } from "vitest";
import type { ContainerRecord } from "../../../shared/model/container.ts";
import type { HostMessage } from "../../../shared/queue/host-messages.ts";
import { failureReleasesClaim } from "../../../shared/reconcile/fail-operation.ts";

const create: HostMessage = { kind: "create", container_uuid: "c1", generation: 1, request_id: "req-1", run: true };
const placed = {
  uuid: "c1",
  host_id: "h1",
  host: "host-1",
  container_id: null,
  claim: { cpuMillis: 500, memory: 64, disk: 0 },
  mounts: [],
} as unknown as ContainerRecord;

describe("which failures give a container's claim back", () => {
  it("a create whose Docker container is not recorded does", () => {
    expect(failureReleasesClaim(placed, create)).toBe(true);
  });

  it("one Docker has, other work, an unplaced container, or one with volumes does not", () => {
    expect(failureReleasesClaim({ ...placed, container_id: "d1" }, create)).toBe(false);
    expect(failureReleasesClaim(placed, { ...create, kind: "start" })).toBe(false);
    expect(failureReleasesClaim(placed, undefined)).toBe(false);
    expect(failureReleasesClaim({ ...placed, host_id: null, claim: null }, create)).toBe(false);
    expect(
      failureReleasesClaim(
        {
          ...placed,
          mounts: [
            {
              type: "volume",
              volume_uuid: "v1",
              size: 1,
              destination: "/d",
              created_with_container: true,
              auto_remove: true,
            },
          ],
        } as unknown as ContainerRecord,
        create,
      ),
    ).toBe(false);
  });
});
