import { QueryCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SLEEPER, TEST_IMAGE } from "../../local/test-image.ts";
import { readConfig } from "../../shared/config.ts";
import { documentClientFor } from "../../shared/store/clients.ts";
import { keys } from "../../shared/store/keys.ts";
import { MEMBER_TOKEN, startBerth, type TestBerth } from "../helpers/berth.ts";

let berth: TestBerth;
let hostname: string;

beforeAll(async () => {
  berth = await startBerth();
  hostname = (await berth.stores.hosts.list())[0]!.hostname;
});
afterAll(async () => {
  await berth?.stop();
});

const small = { image: TEST_IMAGE, command: SLEEPER, cpu: 0.1, memory: 16, disk: 1 };

describe("hosts and services (admin)", () => {
  it("lists hosts with capacity and usage, shows one by name, and refuses members", async () => {
    const listed = await berth.api("GET", "/v1/hosts");
    expect(listed.status).toBe(200);
    expect(listed.body.hosts).toHaveLength(1);
    expect(listed.body.hosts[0]).toMatchObject({ hostname, cpu_used: 0, mem_used: 0, total_containers: 0 });
    expect(listed.body.hosts[0].cpus).toBeGreaterThan(0);
    expect((await berth.api("GET", `/v1/hosts/${hostname}`)).body.uuid).toBe(listed.body.hosts[0].uuid);
    for (const path of ["/v1/hosts", `/v1/hosts/${hostname}`, "/v1/services"])
      expect((await berth.api("GET", path, { token: MEMBER_TOKEN })).status).toBe(403);
    expect(
      (
        await berth.api("PUT", "/v1/services/disable", {
          token: MEMBER_TOKEN,
          body: { host: hostname, binary: "zun-compute" },
        })
      ).status,
    ).toBe(403);
  });

  it("a disabled host gets no new containers and keeps its running ones; enabling it brings it back", async () => {
    const running = await berth.api("POST", "/v1/containers?run=true", { body: { ...small, name: "keeps-running" } });
    await berth.waitForContainer(running.body.uuid, (c) => c.status === "Running");

    const disabled = await berth.api("PUT", "/v1/services/disable", {
      body: { host: hostname, binary: "zun-compute", disabled_reason: "maintenance" },
    });
    expect(disabled.body.service).toMatchObject({ host: hostname, disabled: true, disabled_reason: "maintenance" });
    const services = (await berth.api("GET", "/v1/services")).body.services;
    expect(services[0]).toMatchObject({ host: hostname, binary: "zun-compute", state: "up", disabled: true });

    const refused = await berth.api("POST", "/v1/containers", { body: small });
    expect(refused.body.status_reason).toBe("No valid host was found: 1 host: 1 unavailable (1 disabled).");
    expect((await berth.api("GET", `/v1/containers/${running.body.uuid}`)).body.status).toBe("Running");

    await berth.api("PUT", "/v1/services/enable", { body: { host: hostname, binary: "zun-compute" } });
    const placed = await berth.api("POST", "/v1/containers", { body: small });
    expect(placed.body.status).toBe("Creating");
    await berth.waitForContainer(placed.body.uuid, (c) => c.status === "Created");
    for (const uuid of [running.body.uuid, placed.body.uuid, refused.body.uuid]) {
      await berth.api("DELETE", `/v1/containers/${uuid}?force=true`);
      await berth.waitForGone(uuid);
    }
  });

  it("force_down makes the host down whatever its heartbeat says", async () => {
    await berth.api("PUT", "/v1/services/force_down", {
      body: { host: hostname, binary: "zun-compute", forced_down: true },
    });
    expect((await berth.api("GET", "/v1/services")).body.services[0]).toMatchObject({
      state: "down",
      forced_down: true,
    });
    await berth.api("PUT", "/v1/services/force_down", {
      body: { host: hostname, binary: "zun-compute", forced_down: false },
    });
    expect((await berth.api("GET", "/v1/services")).body.services[0]).toMatchObject({
      state: "up",
      forced_down: false,
    });
  });

  it("lists availability zones", async () => {
    expect((await berth.api("GET", "/v1/availability_zones")).body).toEqual({
      availability_zones: [{ availability_zone: "nova" }],
    });
  });
});

describe("quotas", () => {
  it("starts at Zun's defaults", async () => {
    expect((await berth.api("GET", "/v1/quotas/demo/defaults")).body).toEqual({
      containers: 40,
      cpu: 20,
      memory: 51200,
      disk: 100,
    });
    expect((await berth.api("GET", "/v1/quotas/demo")).body).toEqual({
      containers: 40,
      cpu: 20,
      memory: 51200,
      disk: 100,
    });
  });

  it("a PUT updates the one quota record; it never adds a second", async () => {
    await berth.api("PUT", "/v1/quotas/demo", { body: { containers: 3 } });
    const updated = await berth.api("PUT", "/v1/quotas/demo", { body: { containers: 2, cpu: -1 } });
    expect(updated.body).toEqual({ containers: 2, cpu: -1, memory: 51200, disk: 100 });
    const items = await documentClientFor(readConfig()).send(
      new QueryCommand({
        TableName: readConfig().tableName,
        KeyConditionExpression: "pk = :pk",
        ExpressionAttributeValues: { ":pk": keys.quota("demo").pk },
      }),
    );
    expect(items.Items).toHaveLength(1);
  });

  it("over quota is a 403 naming the resource, the need and the limit, and stores nothing", async () => {
    const first = await berth.api("POST", "/v1/containers", { body: { ...small, name: "q1" } });
    const second = await berth.api("POST", "/v1/containers", { body: { ...small, name: "q2" } });
    expect([first.status, second.status]).toEqual([202, 202]);
    const third = await berth.api("POST", "/v1/containers", { body: { ...small, name: "q3" } });
    expect(third.status).toBe(403);
    expect(third.body.errors[0].detail).toBe("Quota exceeded for containers: need 1, 2 in use, limit 2.");
    expect((await berth.api("GET", "/v1/containers/q3")).status).toBe(404);
    expect((await berth.api("GET", "/v1/quotas/demo?usages=true")).body.containers).toEqual({ limit: 2, in_use: 2 });
  });

  it("lowering a quota below usage is allowed and blocks new claims, including a resize", async () => {
    await berth.waitForContainer("q1", (c) => c.status === "Created");
    const lowered = await berth.api("PUT", "/v1/quotas/demo", { body: { containers: 1, memory: 40 } });
    expect(lowered.status).toBe(200);
    const usages = (await berth.api("GET", "/v1/quotas/demo?usages=true")).body;
    expect(usages.containers).toEqual({ limit: 1, in_use: 2 });
    expect(usages.memory).toEqual({ limit: 40, in_use: 32 });
    const grown = await berth.api("PATCH", "/v1/containers/q1", { body: { memory: 32 } });
    expect(grown.status).toBe(403);
    expect(grown.body.errors[0].detail).toBe("Quota exceeded for memory: need 16 MiB, 32 MiB in use, limit 40 MiB.");
  });

  it("a delete gives usage back, and DELETE of the quota returns the project to the defaults", async () => {
    await berth.waitForContainer("q2", (c) => c.status === "Created");
    for (const name of ["q1", "q2"]) expect((await berth.api("DELETE", `/v1/containers/${name}`)).status).toBe(204);
    const deadline = Date.now() + 20_000;
    while ((await berth.stores.quotas.getProject("demo")).usage.containers > 0 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 100));
    expect((await berth.stores.quotas.getProject("demo")).usage).toEqual({
      containers: 0,
      cpuMillis: 0,
      memory: 0,
      disk: 0,
    });
    expect((await berth.api("DELETE", "/v1/quotas/demo")).status).toBe(204);
    expect((await berth.api("GET", "/v1/quotas/demo")).body).toEqual({
      containers: 40,
      cpu: 20,
      memory: 51200,
      disk: 100,
    });
  });

  it("the default class can be changed by an admin, not a member", async () => {
    expect(
      (await berth.api("PUT", "/v1/quota_classes/default", { token: MEMBER_TOKEN, body: { containers: 5 } })).status,
    ).toBe(403);
    expect((await berth.api("PUT", "/v1/quota_classes/default", { body: { containers: 5 } })).body).toMatchObject({
      containers: 5,
    });
    expect((await berth.api("GET", "/v1/quotas/demo")).body.containers).toBe(5);
    expect((await berth.api("PUT", "/v1/quotas/demo", { token: MEMBER_TOKEN, body: { containers: 100 } })).status).toBe(
      403,
    );
    expect((await berth.api("PUT", "/v1/quotas/demo", { body: { containers: "many" } })).status).toBe(400);
  });
});
