import { describe, expect, it } from "vitest";
import { dockerNameOf } from "../../../agents/host-agent/docker/container-name.ts";
import { Engine } from "../../../agents/host-agent/engine.ts";
import { HostPortAllocator } from "../../../agents/host-agent/host-ports.ts";
import type { Rescheduler } from "../../../agents/host-agent/operation.ts";
import type { ContainerRecord } from "../../../shared/model/container.ts";
import { Status } from "../../../shared/model/container-status.ts";
import type { HostRecord } from "../../../shared/model/host.ts";
import type { HostMessage } from "../../../shared/queue/host-messages.ts";
import type { Stores } from "../../../shared/store/stores.ts";
import { FakeDocker } from "../../helpers/fake-docker.ts";

const IMAGE = "berth-test/busybox:1";

/** The container store the engine writes to, in memory, conditional on the generation as the real one is. */
function storesHolding(initial: ContainerRecord) {
  let record: ContainerRecord | undefined = structuredClone(initial);
  const events: string[] = [];
  const containers = {
    get: async (uuid: string) => (record?.uuid === uuid ? structuredClone(record) : undefined),
    listByHost: async () => (record ? [structuredClone(record)] : []),
    recordOutcome: async (uuid: string, generation: number, changes: Partial<ContainerRecord>) => {
      if (!record || record.uuid !== uuid || record.generation !== generation) return false;
      record = { ...record, ...changes };
      return true;
    },
    failUnstarted: async (failed: ContainerRecord, reason: string) => {
      if (!record || record.generation !== failed.generation) return false;
      record = { ...record, status: Status.Error, status_reason: reason, task_state: null, host_id: null, claim: null };
      return true;
    },
  };
  const actions = {
    record: async (_uuid: string, _request: string, event: { event: string; result: string }) => {
      events.push(`${event.event} ${event.result}`);
    },
  };
  return { stores: { containers, actions } as unknown as Stores, events, current: () => record };
}

function placed(message: HostMessage, changes: Partial<ContainerRecord> = {}): ContainerRecord {
  return {
    uuid: "c1",
    name: "web",
    project_id: "project-1",
    host_id: "host-1",
    host: "host-one",
    container_id: null,
    image: IMAGE,
    image_pull_policy: "ifnotpresent",
    registry_id: null,
    command: ["sleep", "60"],
    entrypoint: null,
    environment: { GREETING: "hello" },
    labels: {},
    workdir: null,
    hostname: null,
    tty: false,
    interactive: false,
    exposed_ports: {},
    published_ports: {},
    healthcheck: null,
    cpu: 0.5,
    memory: 64,
    claim: { cpuMillis: 500, memory: 64, disk: 0 },
    privileged: false,
    runtime: null,
    auto_remove: false,
    auto_heal: false,
    mounts: [],
    restart_policy: null,
    status: Status.Creating,
    status_reason: null,
    task_state: "container_creating",
    addresses: null,
    generation: message.generation,
    settled_generation: message.generation - 1,
    pending_message: message,
    ...changes,
  } as unknown as ContainerRecord;
}

function engineFor(docker: FakeDocker, stores: Stores, reschedule?: Rescheduler): Engine {
  const ports = new HostPortAllocator(docker, stores, "host-1", [30000, 30010]);
  return new Engine({ docker, stores, ports, deployment: "berth-unit", secrets: {} as never, reschedule }, "host-1");
}

describe("the engine with a fake Docker", () => {
  it("creates and runs a container, hardened and labelled, and records it Running with its Docker id", async () => {
    const create: HostMessage = { kind: "create", container_uuid: "c1", generation: 1, request_id: "req-1", run: true };
    const docker = new FakeDocker([IMAGE]);
    const { stores, events, current } = storesHolding(placed(create));

    await engineFor(docker, stores).handle(create);

    const inspected = await docker.inspect(dockerNameOf("c1"));
    expect(inspected?.State.Running).toBe(true);
    expect(current()).toMatchObject({
      container_id: inspected?.Id,
      status: Status.Running,
      status_reason: null,
      task_state: null,
      settled_generation: 1,
    });
    expect(Object.keys(current()?.addresses ?? {})).toHaveLength(1);
    const created = [...docker.containers.values()][0]!;
    expect(created.spec.Labels).toMatchObject({ "berth.uuid": "c1", "berth.deployment": "berth-unit" });
    expect(created.spec.HostConfig).toMatchObject({ CapDrop: ["NET_RAW"], PidsLimit: 1024, NanoCpus: 500e6 });
    expect(events).toEqual(["compute__do_container_create Success"]);
  });

  it("fails a start Docker cannot do (no such container) with Docker's reason, once, without a retry", async () => {
    const start: HostMessage = { kind: "start", container_uuid: "c1", generation: 2, request_id: "req-2" };
    const docker = new FakeDocker([IMAGE]);
    const { stores, current } = storesHolding(
      placed(start, { container_id: "gone", status: Status.Stopped, task_state: "container_starting" }),
    );

    await engineFor(docker, stores).handle(start);

    expect(current()).toMatchObject({ status: Status.Error, task_state: null, settled_generation: 2 });
    expect(current()?.status_reason).toContain("No such container");
  });

  it("tries a create whose image this host lacks on another host, and writes no failure here", async () => {
    const create: HostMessage = { kind: "create", container_uuid: "c1", generation: 1, request_id: "req-1", run: true };
    const docker = new FakeDocker([]);
    const { stores, current } = storesHolding(placed(create, { image_pull_policy: "never", task_state: null }));
    const asked: string[] = [];
    const reschedule: Rescheduler = async (record, failure) => {
      asked.push(`${record.uuid}: ${failure}`);
      return { moved: true, host: { id: "host-2", hostname: "host-two" } as HostRecord };
    };

    await engineFor(docker, stores, reschedule).handle(create);

    expect(asked).toEqual([
      "c1: Image berth-test/busybox:1 is not present on this host and image_pull_policy is never.",
    ]);
    expect(current()).toMatchObject({ status: Status.Creating, settled_generation: 0, host_id: "host-1" });
    expect(docker.calls.filter((call) => call.startsWith("create "))).toEqual([]);
  });

  it("fails the create here, with the reason the reschedule gives, when no other host can take it", async () => {
    const create: HostMessage = { kind: "create", container_uuid: "c1", generation: 1, request_id: "req-1", run: true };
    const docker = new FakeDocker([]);
    const { stores, current } = storesHolding(placed(create, { image_pull_policy: "never", task_state: null }));
    const reschedule: Rescheduler = async (_record, failure) => ({
      moved: false,
      reason: `${failure}; no other host could take it: No valid host was found`,
    });

    await engineFor(docker, stores, reschedule).handle(create);

    expect(current()).toMatchObject({ status: Status.Error, host_id: null, claim: null });
    expect(current()?.status_reason).toMatch(/is not present on this host.*no other host could take it/);
  });

  it("does not reschedule a failure of a container Docker already has (a start that fails)", async () => {
    const start: HostMessage = { kind: "start", container_uuid: "c1", generation: 2, request_id: "req-2" };
    const docker = new FakeDocker([IMAGE]);
    const { stores, current } = storesHolding(
      placed(start, { container_id: "gone", status: Status.Stopped, task_state: "container_starting" }),
    );
    let asked = false;
    await engineFor(docker, stores, async () => {
      asked = true;
      return { moved: false, reason: "" };
    }).handle(start);

    expect(asked).toBe(false);
    expect(current()?.status).toBe(Status.Error);
  });

  it("ignores a message no accepted request asked for", async () => {
    const stop: HostMessage = { kind: "stop", container_uuid: "c1", generation: 2, request_id: "req-2" };
    const docker = new FakeDocker([IMAGE]);
    const { stores, current } = storesHolding(placed(stop, { pending_message: undefined }));

    await engineFor(docker, stores).handle(stop);

    expect(docker.calls).toEqual([]);
    expect(current()?.settled_generation).toBe(1);
  });
});
