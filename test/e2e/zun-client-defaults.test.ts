import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SLEEPER, TEST_IMAGE } from "../../local/test-image.ts";
import { startBerth, type TestBerth } from "../helpers/berth.ts";

/** What Zun's own clients and tests send with their default settings, which Zun accepts. */
let berth: TestBerth;
beforeAll(async () => {
  berth = await startBerth();
});
afterAll(async () => {
  await berth?.stop();
});

async function get(path: string, headers: Record<string, string>) {
  const response = await fetch(`${berth.stack.apiUrl}${path}`, { headers });
  return { status: response.status, body: await response.json() };
}

describe("version discovery", () => {
  // python-zunclient and openstackclient discover versions with the oldest microversion they know.
  it.each(["/", "/v1"])("GET %s answers whatever microversion the client sends", async (path) => {
    for (const header of ["container 1.1", "container 9.9", "compute 2.1"]) {
      const response = await get(path, { "openstack-api-version": header });
      expect(response.status, `${path} with ${header}`).toBe(200);
      expect(response.body.min_version ?? response.body.default_version.min_version).toBe("1.1");
    }
  });

  it("other routes still refuse a microversion outside the window", async () => {
    for (const version of ["1.0", "1.41", "2.1"]) {
      const response = await get("/v1/containers", {
        "openstack-api-version": `container ${version}`,
        "x-auth-token": "berth-dev-admin",
      });
      expect(response.status, version).toBe(406);
    }
  });
});

describe("the seed's create body", () => {
  it("accepts the default security group and an empty nets, and still refuses what it cannot honour", async () => {
    const body = { name: "seed-body", image: TEST_IMAGE, command: SLEEPER, security_groups: ["default"], nets: [] };
    const created = await berth.api("POST", "/v1/containers?run=true", { body });
    expect(created.status).toBe(202);
    await berth.waitForContainer(created.body.uuid, (container) => container.status === "Running");

    const other = await berth.api("POST", "/v1/containers", {
      body: { ...body, name: "seed-body-2", security_groups: ["web"] },
    });
    expect(other.status).toBe(400);
    expect(other.body.errors[0].detail).toContain("security_groups");
    const nets = await berth.api("POST", "/v1/containers", {
      body: { ...body, name: "seed-body-3", security_groups: undefined, nets: [{ network: "x" }] },
    });
    expect(nets.status).toBe(400);
    expect(nets.body.errors[0].detail).toContain("nets");
  });
});

describe("execute", () => {
  it("takes the command from a JSON body, as zun-tempest-plugin sends it", async () => {
    const created = await berth.api("POST", "/v1/containers?run=true", {
      body: { name: "exec-body", image: TEST_IMAGE, command: SLEEPER },
    });
    await berth.waitForContainer(created.body.uuid, (container) => container.status === "Running");
    const inBody = await berth.api("POST", "/v1/containers/exec-body/execute", {
      body: { command: "echo hello", run: true },
    });
    expect(inBody.status).toBe(200);
    expect(inBody.body).toMatchObject({ output: "hello\n", exit_code: 0 });
    const inQuery = await berth.api("POST", "/v1/containers/exec-body/execute?command=echo%20again&run=true");
    expect(inQuery.body).toMatchObject({ output: "again\n", exit_code: 0 });
    const neither = await berth.api("POST", "/v1/containers/exec-body/execute", { body: {} });
    expect(neither.status).toBe(400);
    expect(neither.body.errors[0].detail).toContain("command");
  });
});
