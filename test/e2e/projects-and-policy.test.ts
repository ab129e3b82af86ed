import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SLEEPER, TEST_IMAGE } from "../../local/test-image.ts";
import { startBerth, type TestBerth } from "../helpers/berth.ts";

const TOKENS = {
  "alice-token": { projectId: "project-a", userId: "alice", roles: ["member"] },
  "bob-token": { projectId: "project-b", userId: "bob", roles: ["member"] },
  "root-token": { projectId: "ops", userId: "root", roles: ["admin"] },
};

let berth: TestBerth;
let bobsUuid: string;

beforeAll(async () => {
  berth = await startBerth({ callers: TOKENS });
  const created = await berth.api("POST", "/v1/containers?run=true", {
    token: "bob-token",
    body: { name: "bobs", image: TEST_IMAGE, command: SLEEPER, cpu: 0.1, memory: 16 },
  });
  bobsUuid = created.body.uuid;
  await berth.waitForContainer(bobsUuid, (c) => c.status === "Running", 20_000, "bob-token");
});
afterAll(async () => {
  await berth?.stop();
});

describe("projects are isolated: another project's container does not exist for you", () => {
  it.each([
    ["show by uuid", "GET", () => `/v1/containers/${bobsUuid}`],
    ["show by name", "GET", () => "/v1/containers/bobs"],
    ["stop", "POST", () => `/v1/containers/${bobsUuid}/stop`],
    ["logs", "GET", () => `/v1/containers/${bobsUuid}/logs`],
    ["execute", "POST", () => `/v1/containers/${bobsUuid}/execute?command=true&run=true`],
    ["update", "PATCH", () => `/v1/containers/${bobsUuid}`],
    ["action log", "GET", () => `/v1/containers/${bobsUuid}/container_actions`],
    ["delete", "DELETE", () => `/v1/containers/${bobsUuid}?stop=true`],
  ])("%s → 404", async (_title, method, path) => {
    const response = await berth.api(method, path(), {
      token: "alice-token",
      body: method === "PATCH" ? { memory: 32 } : undefined,
    });
    expect(response.status).toBe(404);
  });

  it("lists only the caller's own containers", async () => {
    expect((await berth.api("GET", "/v1/containers", { token: "alice-token" })).body.containers).toEqual([]);
    expect(
      (await berth.api("GET", "/v1/containers?project_id=project-b", { token: "alice-token" })).body.containers,
    ).toEqual([]);
    expect(
      (await berth.api("GET", "/v1/containers", { token: "bob-token" })).body.containers.map((c: any) => c.uuid),
    ).toEqual([bobsUuid]);
  });

  it("lets two projects use the same name", async () => {
    const created = await berth.api("POST", "/v1/containers", {
      token: "alice-token",
      body: { name: "bobs", image: TEST_IMAGE, memory: 16 },
    });
    expect(created.status).toBe(202);
    await berth.waitForContainer(created.body.uuid, (c) => c.status === "Created", 20_000, "alice-token");
    expect((await berth.api("DELETE", "/v1/containers/bobs", { token: "alice-token" })).status).toBe(204);
  });

  it("left bob's container untouched", async () => {
    const container = (await berth.api("GET", `/v1/containers/${bobsUuid}`, { token: "bob-token" })).body;
    expect(container).toMatchObject({ status: "Running", task_state: null, memory: "16" });
  });
});

describe("admin-only fields and parameters answer 403 to members", () => {
  it.each([
    ["all_projects on list", "GET", "/v1/containers?all_projects=true", undefined],
    ["all_projects on show", "GET", () => `/v1/containers/${bobsUuid}?all_projects=true`, undefined],
    ["force delete", "DELETE", () => `/v1/containers/${bobsUuid}?force=true`, undefined],
    ["privileged", "POST", "/v1/containers", { image: TEST_IMAGE, privileged: true }],
    ["host", "POST", "/v1/containers", { image: TEST_IMAGE, host: "anywhere" }],
  ])("%s", async (_title, method, path, body) => {
    const response = await berth.api(method, typeof path === "function" ? path() : path, { token: "bob-token", body });
    expect(response.status).toBe(403);
    expect(response.body.errors[0].status).toBe(403);
  });

  it("an admin sees every project with all_projects, and may reach any container by uuid", async () => {
    const listed = await berth.api("GET", "/v1/containers?all_projects=true", { token: "root-token" });
    expect(listed.body.containers.map((c: any) => c.uuid)).toContain(bobsUuid);
    expect((await berth.api("GET", `/v1/containers/${bobsUuid}`, { token: "root-token" })).status).toBe(404);
    expect(
      (await berth.api("GET", `/v1/containers/${bobsUuid}?all_projects=true`, { token: "root-token" })).body.uuid,
    ).toBe(bobsUuid);
  });
});
