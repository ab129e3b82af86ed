import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SLEEPER, TEST_IMAGE } from "../../local/test-image.ts";
import { startBerth, type TestBerth } from "../helpers/berth.ts";

let berth: TestBerth;
beforeAll(async () => {
  berth = await startBerth();
});
afterAll(async () => {
  await berth?.stop();
});

describe("a container's life, through HTTP, the emulators and Docker", () => {
  it("runs, stops, starts and is deleted, and its host's claim returns to zero", async () => {
    const created = await berth.api("POST", "/v1/containers?run=true", {
      body: {
        name: "life",
        image: TEST_IMAGE,
        command: SLEEPER,
        cpu: 0.5,
        memory: "64",
        environment: { GREETING: "hello" },
        labels: { team: "berth" },
        image_pull_policy: "ifnotpresent",
      },
    });
    expect(created.status).toBe(202);
    expect(created.headers.get("location")).toMatch(new RegExp(`/v1/containers/${created.body.uuid}$`));
    expect(created.headers.get("openstack-api-version")).toBe("container 1.40");
    expect(created.body).toMatchObject({ name: "life", status: "Creating", memory: "64", cpu: 0.5 });
    const uuid = created.body.uuid;

    const running = await berth.waitForContainer(uuid, (c) => c.status === "Running", 15_000);
    expect(running.task_state).toBeNull();

    const inspected = await berth.docker.getContainer(`berth-${uuid}`).inspect();
    expect(inspected.State.Running).toBe(true);
    expect(inspected.HostConfig.NanoCpus).toBe(500_000_000);
    expect(inspected.HostConfig.Memory).toBe(64 * 1024 * 1024);
    expect(inspected.Config.Labels).toMatchObject({ "berth.uuid": uuid, team: "berth" });
    expect(inspected.Config.Env).toContain("GREETING=hello");

    const host = (await berth.stores.hosts.list())[0]!;
    expect(host).toMatchObject({ cpu_used_millis: 500, mem_used: 64, total_containers: 1 });

    const byName = await berth.api("GET", "/v1/containers/life");
    expect(byName.body.uuid).toBe(uuid);

    expect((await berth.api("POST", `/v1/containers/${uuid}/stop?timeout=1`)).status).toBe(202);
    await berth.waitForContainer(uuid, (c) => c.status === "Stopped" && c.task_state === null);
    expect((await berth.docker.getContainer(`berth-${uuid}`).inspect()).State.Running).toBe(false);

    expect((await berth.api("POST", `/v1/containers/${uuid}/start`)).status).toBe(202);
    await berth.waitForContainer(uuid, (c) => c.status === "Running" && c.task_state === null);
    expect((await berth.docker.getContainer(`berth-${uuid}`).inspect()).State.Running).toBe(true);

    const refused = await berth.api("DELETE", `/v1/containers/${uuid}`);
    expect(refused.status).toBe(409);
    expect(refused.body.errors[0].detail).toContain("Running");

    expect((await berth.api("DELETE", `/v1/containers/${uuid}?stop=true`)).status).toBe(204);
    await waitUntil(async () => (await berth.api("GET", `/v1/containers/${uuid}`)).status === 404);
    expect((await berth.api("GET", "/v1/containers")).body.containers).toEqual([]);
    expect(await berth.dockerContainers()).toEqual([]);
    expect(await berth.stores.hosts.get(host.id)).toMatchObject({
      cpu_used_millis: 0,
      mem_used: 0,
      disk_used: 0,
      total_containers: 0,
    });

    const actions = await berth.stores.actions.list(uuid);
    expect(actions.map((action) => action.action)).toEqual(["create", "stop", "start", "delete"]);
    expect(actions.every((action) => action.finish_time !== null)).toBe(true);
  });

  it("creates without starting when run is not set", async () => {
    const created = await berth.api("POST", "/v1/containers", {
      body: { image: TEST_IMAGE, command: ["true"], memory: 32 },
    });
    expect(created.status).toBe(202);
    expect(created.body.name).toMatch(/^berth-[0-9a-f]{8}$/);
    const container = await berth.waitForContainer(
      created.body.uuid,
      (c) => c.status === "Created" && c.task_state === null,
    );
    expect((await berth.docker.getContainer(`berth-${container.uuid}`).inspect()).State.Status).toBe("created");
    expect((await berth.api("DELETE", `/v1/containers/${container.uuid}`)).status).toBe(204);
    await waitUntil(async () => (await berth.api("GET", `/v1/containers/${container.uuid}`)).status === 404);
  });

  it("records Docker's reason when a container cannot start", async () => {
    const created = await berth.api("POST", "/v1/containers?run=true", {
      body: { image: TEST_IMAGE, command: ["/no/such/binary"], memory: 32 },
    });
    const failed = await berth.waitForContainer(created.body.uuid, (c) => c.status === "Error");
    expect(failed.task_state).toBeNull();
    expect(failed.status_reason).toMatch(/no such file or directory/i);
    // Docker's reason, without the host's internals: no Docker ids, no daemon paths.
    expect(failed.status_reason).not.toMatch(/[0-9a-f]{64}|\/var\/lib\/docker|\/run\/(containerd|docker)/);
    expect((await berth.api("DELETE", `/v1/containers/${failed.uuid}`)).status).toBe(204);
    await waitUntil(async () => (await berth.api("GET", `/v1/containers/${failed.uuid}`)).status === 404);
  });

  it("explains an image it may not pull", async () => {
    const created = await berth.api("POST", "/v1/containers?run=true", {
      body: { image: "berth-test/absent:1", image_pull_policy: "never", memory: 32 },
    });
    const failed = await berth.waitForContainer(created.body.uuid, (c) => c.status === "Error");
    expect(failed.status_reason).toBe(
      "Image berth-test/absent:1 is not present on this host and image_pull_policy is never.",
    );
    expect((await berth.api("DELETE", `/v1/containers/${failed.uuid}`)).status).toBe(204);
  });

  it("refuses a second container with the same name in the project", async () => {
    const first = await berth.api("POST", "/v1/containers", { body: { name: "twin", image: TEST_IMAGE, memory: 32 } });
    expect(first.status).toBe(202);
    const second = await berth.api("POST", "/v1/containers", { body: { name: "twin", image: TEST_IMAGE, memory: 32 } });
    expect(second.status).toBe(409);
    expect(second.body.errors[0].detail).toContain("twin");
    await berth.waitForContainer("twin", (c) => c.status === "Created");
    expect((await berth.api("DELETE", "/v1/containers/twin")).status).toBe(204);
  });
});

async function waitUntil(check: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error("condition not met in time");
}
