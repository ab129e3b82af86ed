import { GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SLEEPER, TEST_IMAGE } from "../../local/test-image.ts";
import { readConfig } from "../../shared/config.ts";
import { documentClientFor } from "../../shared/store/clients.ts";
import { keys } from "../../shared/store/keys.ts";
import { MEMBER_TOKEN, startBerth, type TestBerth } from "../helpers/berth.ts";
import { type LocalRegistry, startLocalRegistry } from "../helpers/local-registry.ts";

let berth: TestBerth;
let registry: LocalRegistry;
let hostname: string;

beforeAll(async () => {
  berth = await startBerth();
  registry = await startLocalRegistry(berth.docker, [
    { from: TEST_IMAGE, repo: `private/busybox-${berth.deployment}`, tag: "1" },
  ]);
  hostname = (await berth.stores.hosts.list())[0]!.hostname;
}, 120_000);
afterAll(async () => {
  await berth?.stop();
  await registry?.stop();
});

const privateImage = () => `${registry.domain}/private/busybox-${berth.deployment}:1`;

describe("registries", () => {
  it("a container from a private image fails while no credentials are stored, saying why", async () => {
    const without = await berth.api("POST", "/v1/containers?run=true", {
      body: { image: privateImage(), image_pull_policy: "always", command: SLEEPER, cpu: 0.1, memory: 16 },
    });
    const failed = await berth.waitForContainer(without.body.uuid, (c) => c.status === "Error");
    expect(failed.status_reason).toMatch(
      /could not be pulled \(image_pull_policy always\): .*(no basic auth credentials|unauthorized|authentication required)/i,
    );
    await berth.api("DELETE", `/v1/containers/${without.body.uuid}`);
    await berth.waitForGone(without.body.uuid);
  });

  it("stores credentials sealed, and never shows the password", async () => {
    const created = await berth.api("POST", "/v1/registries", {
      body: {
        registry: { name: "mine", domain: registry.domain, username: registry.username, password: registry.password },
      },
    });
    expect(created.status).toBe(201);
    expect(created.body.registry).toMatchObject({ name: "mine", domain: registry.domain, username: registry.username });
    expect(JSON.stringify(created.body)).not.toContain(registry.password);
    expect(JSON.stringify((await berth.api("GET", "/v1/registries")).body)).not.toContain(registry.password);
    const raw = await documentClientFor(readConfig()).send(
      new GetCommand({ TableName: readConfig().tableName, Key: keys.registry(created.body.registry.uuid) }),
    );
    expect(JSON.stringify(raw.Item)).not.toContain(registry.password);
    expect(raw.Item!.password_sealed).toMatch(/^v2:k1:/);
  });

  it("runs a private image with the registry named, or with the project's registry for the image's domain", async () => {
    const byDomain = await berth.api("POST", "/v1/containers?run=true", {
      body: { image: privateImage(), image_pull_policy: "always", command: SLEEPER, cpu: 0.1, memory: 16 },
    });
    const withIt = await berth.api("POST", "/v1/containers?run=true", {
      body: {
        image: privateImage(),
        registry: "mine",
        image_pull_policy: "always",
        command: SLEEPER,
        cpu: 0.1,
        memory: 16,
      },
    });
    expect(withIt.body.registry_id).toBeTruthy();
    await berth.waitForContainer(withIt.body.uuid, (c) => c.status === "Running", 30_000);
    await berth.waitForContainer(byDomain.body.uuid, (c) => c.status === "Running", 30_000);
    for (const uuid of [byDomain.body.uuid, withIt.body.uuid]) {
      await berth.api("DELETE", `/v1/containers/${uuid}?force=true`);
      await berth.waitForGone(uuid);
    }
  });

  it("a registry's credentials go only to its own domain", async () => {
    const elsewhere = await berth.api("POST", "/v1/containers", {
      body: { image: `attacker.example:5000/grab/${berth.deployment}:1`, registry: "mine" },
    });
    expect(elsewhere.status).toBe(400);
    expect(elsewhere.body.errors[0].detail).toContain("field/attribute registry");
    const hub = await berth.api("POST", "/v1/containers", { body: { image: "busybox:1.36", registry: "mine" } });
    expect(hub.status).toBe(400);
    const moved = await berth.api("PATCH", "/v1/registries/mine", {
      body: { registry: { domain: "attacker.example:5000" } },
    });
    expect(moved.status).toBe(400);
    expect(moved.body.errors[0].detail).toContain("registry.password");
    expect((await berth.api("GET", "/v1/registries/mine")).body.registry.domain).toBe(registry.domain);
  });

  it("a sealed password copied into another registry's record does not open there", async () => {
    const other = await berth.api("POST", "/v1/registries", {
      body: { registry: { name: "decoy", domain: registry.domain, username: registry.username, password: "wrong" } },
    });
    expect(other.status).toBe(201);
    const db = documentClientFor(readConfig());
    const table = readConfig().tableName;
    const mine = (await berth.api("GET", "/v1/registries/mine")).body.registry;
    const sealed = (await db.send(new GetCommand({ TableName: table, Key: keys.registry(mine.uuid) }))).Item!
      .password_sealed;
    const decoy = (await db.send(new GetCommand({ TableName: table, Key: keys.registry(other.body.registry.uuid) })))
      .Item!;
    await db.send(new PutCommand({ TableName: table, Item: { ...decoy, password_sealed: sealed } }));
    const pulled = await berth.api("POST", "/v1/containers?run=true", {
      body: {
        image: privateImage(),
        registry: "decoy",
        image_pull_policy: "always",
        command: SLEEPER,
        cpu: 0.1,
        memory: 16,
      },
    });
    const failed = await berth.waitForContainer(pulled.body.uuid, (c) => c.status === "Error", 30_000);
    expect(failed.status_reason).toMatch(/does not open here/);
    await berth.api("DELETE", `/v1/registries/${other.body.registry.uuid}`);
  });

  it("a registry that does not exist is a 400 naming the field; another project's registries are not visible", async () => {
    const response = await berth.api("POST", "/v1/containers", { body: { image: TEST_IMAGE, registry: "nobody" } });
    expect(response.status).toBe(400);
    expect(response.body.errors[0].detail).toContain("field/attribute registry");
    expect((await berth.api("GET", "/v1/registries", { token: MEMBER_TOKEN })).body.registries).toHaveLength(1);
  });
});

describe("images (admin)", () => {
  it("pulls onto a host with the project's registry credentials, lists, searches, and deletes", async () => {
    const repo = `${registry.domain}/private/busybox-${berth.deployment}`;
    const pulled = await berth.api("POST", "/v1/images", { body: { repo, tag: "1", host: hostname } });
    expect(pulled.status).toBe(202);
    expect(pulled.body.status).toBe("pulling");
    const deadline = Date.now() + 30_000;
    let image = pulled.body;
    while (image.status === "pulling" && Date.now() < deadline)
      image = (await berth.api("GET", `/v1/images/${pulled.body.uuid}`)).body;
    expect(image).toMatchObject({ status: "active", repo, tag: "1", host: hostname });
    expect(image.size).toBeGreaterThan(0);
    expect((await berth.api("GET", "/v1/images")).body.images.map((i: any) => i.uuid)).toContain(image.uuid);

    const found = await berth.api("GET", `/v1/images/${encodeURIComponent(`busybox-${berth.deployment}`)}/search`);
    expect(found.body.images).toContainEqual(expect.objectContaining({ name: repo, tag: "1", host: hostname }));
    const exact = await berth.api(
      "GET",
      `/v1/images/${encodeURIComponent(`busybox-${berth.deployment}`)}/search?exact=true`,
    );
    expect(exact.body.images).toEqual([]);

    expect((await berth.api("DELETE", `/v1/images/${image.uuid}`)).status).toBe(204);
    const gone = Date.now() + 10_000;
    while ((await berth.api("GET", `/v1/images/${image.uuid}`)).status !== 404 && Date.now() < gone)
      await new Promise((r) => setTimeout(r, 100));
    const after = await berth.api("GET", `/v1/images/${image.uuid}`);
    expect(after.status, JSON.stringify(after.body)).toBe(404);
    await expect(berth.docker.getImage(`${repo}:1`).inspect()).rejects.toThrow();
  });

  it("takes the tag from the repo as `zun pull repo:tag HOST` sends it, and searches with exact_match", async () => {
    const repo = `${registry.domain}/private/busybox-${berth.deployment}`;
    const pulled = await berth.api("POST", "/v1/images", { body: { repo: `${repo}:1`, host: hostname } });
    expect(pulled.status).toBe(202);
    expect(pulled.body).toMatchObject({ repo, tag: "1" });
    let image = pulled.body;
    const deadline = Date.now() + 30_000;
    while (image.status === "pulling" && Date.now() < deadline)
      image = (await berth.api("GET", `/v1/images/${pulled.body.uuid}`)).body;
    expect(image).toMatchObject({ status: "active", repo, tag: "1" });
    const exact = await berth.api("GET", `/v1/images/${encodeURIComponent(repo)}/search?exact_match=true`);
    expect(exact.status).toBe(200);
    expect(exact.body.images).toContainEqual(expect.objectContaining({ name: repo, tag: "1" }));
    const conflicting = await berth.api("POST", "/v1/images", {
      body: { repo: `${repo}:1`, tag: "2", host: hostname },
    });
    expect(conflicting.status).toBe(400);
    expect(conflicting.body.errors[0].detail).toContain("repo");
    expect((await berth.api("DELETE", `/v1/images/${image.uuid}`)).status).toBe(204);
    const gone = Date.now() + 10_000;
    while ((await berth.api("GET", `/v1/images/${image.uuid}`)).status !== 404 && Date.now() < gone)
      await new Promise((r) => setTimeout(r, 100));
    expect((await berth.api("GET", `/v1/images/${image.uuid}`)).status).toBe(404);
  });

  it("an image that cannot be pulled is an error saying why; members get 403", async () => {
    const pulled = await berth.api("POST", "/v1/images", {
      body: { repo: `${registry.domain}/private/absent`, tag: "9", host: hostname },
    });
    let image = pulled.body;
    const deadline = Date.now() + 20_000;
    while (image.status === "pulling" && Date.now() < deadline)
      image = (await berth.api("GET", `/v1/images/${pulled.body.uuid}`)).body;
    expect(image.status).toBe("error");
    expect(image.reason).toMatch(/could not be pulled/);
    expect((await berth.api("GET", "/v1/images", { token: MEMBER_TOKEN })).status).toBe(403);
    expect((await berth.api("POST", "/v1/images", { body: { repo: "x y", host: hostname } })).status).toBe(400);
  });
});
