import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SLEEPER, TEST_IMAGE } from "../../local/test-image.ts";
import type { HostRecord } from "../../shared/model/host.ts";
import { hostUsageOf } from "../../shared/store/hosts.ts";
import { startBerth, type TestBerth } from "../helpers/berth.ts";
import { type PrivateDockerDaemon, startPrivateDockerDaemon } from "../helpers/private-docker-daemon.ts";

/** Nova's reschedule, on two real hosts: host A (the machine's Docker) and host B (a private daemon of its own). */
const ONLY_ON_B = "berth-test/only-on-b:1";
let berth: TestBerth;
let daemonB: PrivateDockerDaemon;
let hostA: HostRecord;
let hostB: HostRecord;
let filler: string;

beforeAll(async () => {
  // One best host, not a random pick among the best: placement tries A (the fuller one) first.
  berth = await startBerth({ environment: { BERTH_HOST_SUBSET_SIZE: "1" } });
  hostA = (await berth.stores.hosts.list())[0]!;
  daemonB = await startPrivateDockerDaemon(`${berth.deployment}b`, [{ from: berth.docker, reference: TEST_IMAGE }]);
  await daemonB.docker.getImage(TEST_IMAGE).tag({ repo: "berth-test/only-on-b", tag: "1" });
  berth.stack.startAgent({ BERTH_DOCKER_SOCKET: daemonB.socket });
  const deadline = Date.now() + 30_000;
  while ((await berth.stores.hosts.list()).length < 2 && Date.now() < deadline) await sleep(200);
  hostB = (await berth.stores.hosts.list()).find((host) => host.id !== hostA.id)!;
  const fill = await berth.api("POST", "/v1/containers?run=true", {
    body: {
      name: "filler",
      image: TEST_IMAGE,
      command: SLEEPER,
      cpu: 0.5,
      memory: 64,
      availability_zone: `nova:${hostA.id}`,
    },
  });
  filler = fill.body.uuid;
  await berth.waitForContainer(filler, (c) => c.status === "Running" && c.task_state === null);
}, 180_000);

afterAll(async () => {
  await berth?.stop();
  await daemonB?.stop();
});

const usageOf = async (host: HostRecord) => hostUsageOf((await berth.stores.hosts.get(host.id))!);

describe("a create that fails on its host", () => {
  it("ends Running on another host, with both attempts in its action and the first host's claim given back", async () => {
    const usageA = await usageOf(hostA);
    const usageB = await usageOf(hostB);
    const created = await berth.api("POST", "/v1/containers?run=true", {
      body: { name: "moves", image: ONLY_ON_B, image_pull_policy: "never", command: SLEEPER, cpu: 0.2, memory: 32 },
    });
    expect(created.status).toBe(202);
    expect((await berth.stores.containers.get(created.body.uuid))?.host_id).toBe(hostA.id);
    const running = await berth.waitForContainer(
      created.body.uuid,
      (c) => c.status === "Running" && c.task_state === null,
    );
    expect((await berth.stores.containers.get(created.body.uuid))?.host_id).toBe(hostB.id);
    expect(
      (await daemonB.docker.getContainer(running.container_id ?? `berth-${running.uuid}`).inspect()).State.Running,
    ).toBe(true);
    expect(await usageOf(hostA)).toEqual(usageA);
    const { claim } = (await berth.stores.containers.get(created.body.uuid))!;
    expect(await usageOf(hostB)).toEqual({
      ...usageB,
      cpu_used_millis: usageB.cpu_used_millis + claim!.cpuMillis,
      mem_used: usageB.mem_used + claim!.memory,
      disk_used: usageB.disk_used + claim!.disk,
      total_containers: usageB.total_containers + 1,
    });
    expect((await berth.stores.containers.get(created.body.uuid))?.tried_hosts).toEqual([hostA.id]);

    const [action] = (await berth.api("GET", `/v1/containers/${created.body.uuid}/container_actions`)).body
      .containerActions;
    expect(action).toMatchObject({ action: "create", message: null });
    const { events } = (
      await berth.api("GET", `/v1/containers/${created.body.uuid}/container_actions/${action.request_id}`)
    ).body;
    expect(events.map((event: any) => [event.event, event.result])).toEqual([
      ["schedule", "Success"],
      ["compute__do_container_create", "Error"],
      ["schedule", "Success"],
      ["compute__do_container_create", "Success"],
    ]);
    expect(events[1].traceback).toMatch(/not present on this host/);
    const recorded = (await berth.stores.actions.get(created.body.uuid, action.request_id))!.events;
    expect(recorded[1]!.details).toMatchObject({ host_id: hostA.id, attempt: 1 });
    expect(recorded[2]!.details).toMatchObject({ host_id: hostB.id, attempt: 2 });

    expect((await berth.api("DELETE", `/v1/containers/${created.body.uuid}?stop=true`)).status).toBe(204);
    await berth.waitForGone(created.body.uuid);
    expect(await usageOf(hostB)).toEqual(usageB);
  });

  it("that no host can do fails once every host has tried, every claim given back, with the host's reason", async () => {
    const usageA = await usageOf(hostA);
    const usageB = await usageOf(hostB);
    const created = await berth.api("POST", "/v1/containers?run=true", {
      body: {
        name: "nowhere",
        image: "berth-test/nowhere:1",
        image_pull_policy: "never",
        command: SLEEPER,
        memory: 16,
      },
    });
    const failed = await berth.waitForContainer(created.body.uuid, (c) => c.status === "Error");
    expect(failed.host).toBeNull();
    expect(failed.status_reason).toBe(
      "Image berth-test/nowhere:1 is not present on this host and image_pull_policy is never.",
    );
    const [action] = (await berth.api("GET", `/v1/containers/${created.body.uuid}/container_actions`)).body
      .containerActions;
    const events = (await berth.stores.actions.get(created.body.uuid, action.request_id))!.events;
    expect(events.map((event) => [event.event, event.result])).toEqual([
      ["schedule", "Success"],
      ["compute__do_container_create", "Error"],
      ["schedule", "Success"],
      ["compute__do_container_create", "Error"],
    ]);
    expect(new Set([events[1]!.details?.host_id, events[2]!.details?.host_id])).toEqual(new Set([hostA.id, hostB.id]));
    expect(await usageOf(hostA)).toEqual(usageA);
    expect(await usageOf(hostB)).toEqual(usageB);
    expect((await berth.api("DELETE", `/v1/containers/${created.body.uuid}`)).status).toBe(204);
    await berth.waitForGone(created.body.uuid);
  });

  it("on a host an admin chose is not tried elsewhere", async () => {
    const created = await berth.api("POST", "/v1/containers?run=true", {
      body: {
        name: "pinned",
        image: ONLY_ON_B,
        image_pull_policy: "never",
        command: SLEEPER,
        memory: 16,
        availability_zone: `nova:${hostA.id}`,
      },
    });
    const failed = await berth.waitForContainer(created.body.uuid, (c) => c.status === "Error");
    expect(failed.status_reason).toBe(`Image ${ONLY_ON_B} is not present on this host and image_pull_policy is never.`);
    expect((await berth.api("DELETE", `/v1/containers/${created.body.uuid}`)).status).toBe(204);
    await berth.waitForGone(created.body.uuid);
    expect((await berth.api("DELETE", `/v1/containers/${filler}?stop=true`)).status).toBe(204);
    await berth.waitForGone(filler);
    // Nothing left on either host: no record, no claim, no Docker container of this deployment.
    expect((await berth.stores.containers.listAll()).map((c) => [c.name, c.host_id, c.status])).toEqual([]);
    for (const host of [hostA, hostB])
      expect(await usageOf(host)).toMatchObject({ cpu_used_millis: 0, mem_used: 0, disk_used: 0, total_containers: 0 });
    expect(await berth.dockerContainers()).toEqual([]);
    expect(
      await daemonB.docker.listContainers({ all: true, filters: { label: [`berth.deployment=${berth.deployment}`] } }),
    ).toEqual([]);
  });
});
