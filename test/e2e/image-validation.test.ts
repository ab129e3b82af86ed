import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SLEEPER, TEST_IMAGE } from "../../local/test-image.ts";
import { platformOf } from "../../shared/model/host.ts";
import { hostUsageOf } from "../../shared/store/hosts.ts";
import { startBerth, type TestBerth } from "../helpers/berth.ts";

/** Hosts say which images they have; with image validation on, a create of an image no host has is a 400. */
let berth: TestBerth;
beforeAll(async () => {
  berth = await startBerth({ environment: { BERTH_IMAGE_VALIDATION: "hosts" } });
});
afterAll(async () => {
  await berth?.stop();
});

async function hostWithImages() {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const host = (await berth.stores.hosts.list())[0]!;
    if (host.images?.[TEST_IMAGE]) return host;
    if (Date.now() > deadline) throw new Error("the agent did not record its images within 30 s");
    await sleep(200);
  }
}

describe("images on hosts", () => {
  it("are recorded by each host's agent, with their platform", async () => {
    const host = await hostWithImages();
    expect(host.images![TEST_IMAGE]).toBe(platformOf(host));
  });

  it("with validation on, an image no host has is a 400 naming the field, and changes nothing", async () => {
    const host = await hostWithImages();
    const before = (await berth.api("GET", "/v1/containers")).body.containers.length;
    const refused = await berth.api("POST", "/v1/containers?run=true", {
      body: { name: "nowhere", image: "berth-test/not-anywhere:1", command: SLEEPER, memory: 16 },
    });
    expect(refused.status).toBe(400);
    expect(refused.body.errors[0].detail).toBe(
      "Invalid input for field/attribute image: berth-test/not-anywhere:1 is on no host (image validation is on): pull it first, or create with hints.image_validation=off",
    );
    expect((await berth.api("GET", "/v1/containers")).body.containers).toHaveLength(before);
    expect(hostUsageOf((await berth.stores.hosts.get(host.id))!)).toEqual(hostUsageOf(host));
  });

  it("with validation on, an image a host has is placed as usual", async () => {
    const created = await berth.api("POST", "/v1/containers?run=true", {
      body: { name: "known", image: TEST_IMAGE, command: SLEEPER, memory: 16 },
    });
    expect(created.status).toBe(202);
    await berth.waitForContainer(created.body.uuid, (c) => c.status === "Running" && c.task_state === null);
    expect((await berth.api("DELETE", `/v1/containers/${created.body.uuid}?stop=true`)).status).toBe(204);
    await berth.waitForGone(created.body.uuid);
  });

  it("a request may turn validation off (its create then fails on the host, as without it), and only to a known value", async () => {
    const created = await berth.api("POST", "/v1/containers", {
      body: {
        name: "unchecked",
        image: "berth-test/not-anywhere:1",
        image_pull_policy: "never",
        hints: { image_validation: "off" },
      },
    });
    expect(created.status).toBe(202);
    const failed = await berth.waitForContainer(created.body.uuid, (c) => c.status === "Error");
    expect(failed.status_reason).toMatch(/is not present on this host/);
    expect((await berth.api("DELETE", `/v1/containers/${created.body.uuid}`)).status).toBe(204);
    await berth.waitForGone(created.body.uuid);

    const bad = await berth.api("POST", "/v1/containers", {
      body: { image: TEST_IMAGE, hints: { image_validation: "sometimes" } },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].detail).toBe(
      "Invalid input for field/attribute hints.image_validation: must be one of off, hosts",
    );
  });
});
