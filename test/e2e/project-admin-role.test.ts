import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SLEEPER, TEST_IMAGE } from "../../local/test-image.ts";
import { startBerth, type TestBerth } from "../helpers/berth.ts";

const TOKENS = {
  "pat-token": { projectId: "project-a", userId: "pat", roles: ["project_admin"] },
  "alice-token": { projectId: "project-a", userId: "alice", roles: ["member"] },
  "bob-token": { projectId: "project-b", userId: "bob", roles: ["member"] },
  "sloppy-token": { projectId: "project-a", userId: "sloppy", roles: ["Project_Admin", "project-admin"] },
};
const CONTAINER = { image: TEST_IMAGE, command: SLEEPER, cpu: 0.1, memory: 16 };

let berth: TestBerth;
let bobsUuid: string;

beforeAll(async () => {
  berth = await startBerth({ callers: TOKENS });
  const created = await berth.api("POST", "/v1/containers", {
    token: "bob-token",
    body: { name: "bobs", ...CONTAINER },
  });
  bobsUuid = created.body.uuid;
  await berth.waitForContainer(bobsUuid, (c) => c.status === "Created", 20_000, "bob-token");
});
afterAll(async () => {
  await berth?.stop();
});

describe("a project admin through the HTTP API", () => {
  it("works in their own project as Zun's admin_or_owner rules allow, and force-deletes there", async () => {
    const created = await berth.api("POST", "/v1/containers", { token: "pat-token", body: CONTAINER });
    expect(created.status).toBe(202);
    const uuid = created.body.uuid;
    await berth.waitForContainer(uuid, (c) => c.status === "Created", 20_000, "pat-token");
    expect((await berth.api("GET", "/v1/containers", { token: "pat-token" })).body.containers).toHaveLength(1);
    expect((await berth.api("GET", `/v1/containers/${uuid}/container_actions`, { token: "pat-token" })).status).toBe(
      200,
    );
    expect((await berth.api("GET", "/v1/quotas/project-a", { token: "pat-token" })).status).toBe(200);

    for (const token of ["alice-token", "sloppy-token"]) {
      const refused = await berth.api("DELETE", `/v1/containers/${uuid}?force=true`, { token });
      expect(refused.status, token).toBe(403);
      expect(refused.body.errors[0].detail).toBe(
        "Only a project admin or an admin may force a delete (parameter force).",
      );
    }
    expect((await berth.api("DELETE", `/v1/containers/${uuid}?force=true`, { token: "pat-token" })).status).toBe(204);
    await berth.waitForGone(uuid);
  });

  it("cannot reach another project's container, with or without force", async () => {
    expect((await berth.api("GET", `/v1/containers/${bobsUuid}`, { token: "pat-token" })).status).toBe(404);
    expect((await berth.api("DELETE", `/v1/containers/${bobsUuid}?force=true`, { token: "pat-token" })).status).toBe(
      404,
    );
    expect((await berth.api("GET", `/v1/containers/${bobsUuid}`, { token: "bob-token" })).body.status).toBe("Created");
  });

  it.each([
    ["all_projects on list", "GET", () => "/v1/containers?all_projects=true", undefined],
    ["all_projects on show", "GET", () => `/v1/containers/${bobsUuid}?all_projects=true`, undefined],
    ["privileged", "POST", () => "/v1/containers", { ...CONTAINER, privileged: true }],
    ["host", "POST", () => "/v1/containers", { ...CONTAINER, host: "anywhere" }],
    ["runtime", "POST", () => "/v1/containers", { ...CONTAINER, runtime: "runc" }],
    ["hosts", "GET", () => "/v1/hosts", undefined],
    ["services", "GET", () => "/v1/services", undefined],
    ["images", "GET", () => "/v1/images", undefined],
    ["own quota write", "PUT", () => "/v1/quotas/project-a", { containers: 1000 }],
    ["own quota delete", "DELETE", () => "/v1/quotas/project-a", undefined],
    ["another project's quotas", "GET", () => "/v1/quotas/project-b", undefined],
    ["default quota write", "PUT", () => "/v1/quota_classes/default", { containers: 1000 }],
  ])("is refused the cloud admin's %s: 403", async (_title, method, path, body) => {
    const response = await berth.api(method, path(), { token: "pat-token", body });
    expect(response.status).toBe(403);
    expect(response.body.errors[0]).toMatchObject({ status: 403, code: "forbidden" });
  });
});
