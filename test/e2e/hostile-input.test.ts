import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_DENIED_REGISTRY_NETWORKS } from "../../agents/host-agent/registry-guard.ts";
import { SLEEPER, TEST_IMAGE } from "../../local/test-image.ts";
import { MEMBER_TOKEN, startBerth, type TestBerth } from "../helpers/berth.ts";

/** Input a member can send that used to reach a 500, or more than a member may have. Each is refused, naming what, and stores nothing. */
let berth: TestBerth;
beforeAll(async () => {
  // As on a deployed host: no image from the host's own loopback.
  berth = await startBerth({ environment: { BERTH_DENIED_REGISTRY_NETWORKS: DEFAULT_DENIED_REGISTRY_NETWORKS } });
});
afterAll(async () => {
  await berth?.stop();
});

async function raw(method: string, path: string, body?: string) {
  const response = await fetch(`${berth.stack.apiUrl}${path}`, {
    method,
    headers: {
      "x-auth-token": MEMBER_TOKEN,
      "openstack-api-version": "container 1.40",
      "content-type": "application/json",
    },
    body,
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

async function containerCount(): Promise<number> {
  return (await berth.api("GET", "/v1/containers?all_projects=true")).body.containers.length;
}

describe("paths", () => {
  it("a path parameter that decodes to a lone % is not found, not a 500", async () => {
    const response = await raw("GET", "/v1/containers/%25");
    expect(response.status).toBe(404);
    expect(response.body.errors[0].status).toBe(404);
  });

  it("a malformed escape is a 400 in Zun's format", async () => {
    const response = await raw("GET", "/v1/containers/%zz");
    expect(response.status).toBe(400);
    expect(response.body.errors[0]).toMatchObject({ status: 400, title: "Bad Request" });
  });
});

describe("create bodies", () => {
  it.each([
    ["labels", { labels: { "": "x" } }],
    ["labels", { labels: JSON.parse('{"__proto__": "x"}') }],
    ["environment", { environment: { constructor: "x" } }],
    ["environment", { environment: { "A=B": "x" } }],
    ["hints", { hints: { __proto__: "x", toString: "y" } }],
  ])("a %s key that is empty, an object member or not a name is a 400 naming it", async (field, extra) => {
    const before = await containerCount();
    const response = await raw("POST", "/v1/containers", JSON.stringify({ image: TEST_IMAGE, ...extra }));
    expect(response.status, JSON.stringify(response.body)).toBe(400);
    expect(response.body.errors[0].detail).toContain(field);
    expect(await containerCount()).toBe(before);
  });

  it("a specification over the record's size limit is a 413, and nothing is stored", async () => {
    const before = await containerCount();
    const environment = Object.fromEntries(Array.from({ length: 8 }, (_, index) => [`V${index}`, "x".repeat(60_000)]));
    const response = await raw("POST", "/v1/containers", JSON.stringify({ image: TEST_IMAGE, environment }));
    expect(response.status, JSON.stringify(response.body)).toBe(413);
    expect(response.body.errors[0].detail).toMatch(/KiB/);
    expect(await containerCount()).toBe(before);
  });

  it("a body larger than API Gateway's payload limit is a 413 in Zun's format", async () => {
    const response = await raw(
      "POST",
      "/v1/containers",
      JSON.stringify({ image: TEST_IMAGE, labels: { big: "x".repeat(11 * 1024 * 1024) } }),
    );
    expect(response.status).toBe(413);
    expect(response.body.errors[0].status).toBe(413);
  });

  it("a member may not choose the runtime (admin-only in Zun's policy)", async () => {
    const response = await raw("POST", "/v1/containers", JSON.stringify({ image: TEST_IMAGE, runtime: "runc" }));
    expect(response.status).toBe(403);
    expect(response.body.errors[0].detail).toContain("runtime");
    const admin = await berth.api("POST", "/v1/containers", {
      body: { image: TEST_IMAGE, command: SLEEPER, runtime: "runc", cpu: 0.1, memory: 16 },
    });
    expect(admin.status).toBe(202);
  });

  it("exposed_ports is bounded", async () => {
    const exposed_ports = Object.fromEntries(Array.from({ length: 300 }, (_, index) => [`${1000 + index}/tcp`, {}]));
    const response = await raw("POST", "/v1/containers", JSON.stringify({ image: TEST_IMAGE, exposed_ports }));
    expect(response.status).toBe(400);
    expect(response.body.errors[0].detail).toContain("exposed_ports");
  });
});

describe("kill", () => {
  it("an unknown signal is a 400 and the container keeps running", async () => {
    const created = await raw(
      "POST",
      "/v1/containers?run=true",
      JSON.stringify({ name: "kill-me-not", image: TEST_IMAGE, command: SLEEPER, cpu: 0.1, memory: 16 }),
    );
    expect(created.status).toBe(202);
    await berth.waitForContainer(
      created.body.uuid,
      (container) => container.status === "Running",
      20_000,
      MEMBER_TOKEN,
    );
    const response = await raw("POST", `/v1/containers/${created.body.uuid}/kill?signal=SIGFOO`);
    expect(response.status).toBe(400);
    expect(response.body.errors[0].detail).toContain("signal");
    const known = await raw("POST", `/v1/containers/${created.body.uuid}/kill?signal=hup`);
    expect(known.status).toBe(202);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect((await berth.api("GET", `/v1/containers/${created.body.uuid}`)).body.status).not.toBe("Error");
  });
});

describe("image pulls", () => {
  it("an image from the host's own network is refused before the daemon connects anywhere", async () => {
    const created = await raw(
      "POST",
      "/v1/containers",
      JSON.stringify({ image: "127.0.0.1:1/probe/admin:1", image_pull_policy: "always", cpu: 0.1, memory: 16 }),
    );
    expect(created.status).toBe(202);
    const failed = await berth.waitForContainer(
      created.body.uuid,
      (container) => container.status === "Error",
      20_000,
      MEMBER_TOKEN,
    );
    expect(failed.status_reason).toBe(
      "Image 127.0.0.1:1/probe/admin:1 could not be pulled (image_pull_policy always): registry 127.0.0.1:1 is on a network images may not be pulled from",
    );
  });
});
