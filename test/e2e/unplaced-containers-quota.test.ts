import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TEST_IMAGE } from "../../local/test-image.ts";
import { auditAccounting } from "../../shared/reconcile/audit-accounting.ts";
import { startBerth, type TestBerth } from "../helpers/berth.ts";

const TOKENS = {
  "quinn-token": { projectId: "project-q", userId: "quinn", roles: ["member"] },
  "root-token": { projectId: "ops", userId: "root", roles: ["admin"] },
};
/** Nothing can place it: no host is in that zone. */
const UNPLACEABLE = { image: TEST_IMAGE, availability_zone: "nowhere" };

let berth: TestBerth;

beforeAll(async () => {
  berth = await startBerth({ agents: 0, callers: TOKENS });
  expect(
    (await berth.api("PUT", "/v1/quotas/project-q", { token: "root-token", body: { containers: 2 } })).status,
  ).toBe(200);
});
afterAll(async () => {
  await berth?.stop();
});

const inUse = async () =>
  (await berth.api("GET", "/v1/quotas/project-q?usages=true", { token: "quinn-token" })).body.containers;

describe("containers that never placed count toward the containers quota", () => {
  const made: string[] = [];

  it("each Error container that found no host holds one container of the quota", async () => {
    for (let index = 0; index < 2; index++) {
      const created = await berth.api("POST", "/v1/containers", { token: "quinn-token", body: UNPLACEABLE });
      expect(created.status).toBe(202);
      expect(created.body.status).toBe("Error");
      made.push(created.body.uuid);
    }
    expect(await inUse()).toEqual({ limit: 2, in_use: 2 });
  });

  it("so a member cannot pile them up: past the limit is a 403 naming containers, and nothing is stored", async () => {
    const refused = await berth.api("POST", "/v1/containers", { token: "quinn-token", body: UNPLACEABLE });
    expect(refused.status).toBe(403);
    expect(refused.body.errors[0].detail).toContain("containers");
    const listed = await berth.api("GET", "/v1/containers", { token: "quinn-token" });
    expect(listed.body.containers).toHaveLength(2);
  });

  it("the accounting audit agrees: it finds no drift to correct", async () => {
    expect((await auditAccounting(berth.stores, { settleMs: 100 })).corrections).toEqual([]);
    expect(await inUse()).toEqual({ limit: 2, in_use: 2 });
  });

  it("deleting one gives its container back", async () => {
    expect((await berth.api("DELETE", `/v1/containers/${made[0]}`, { token: "quinn-token" })).status).toBe(204);
    expect(await inUse()).toEqual({ limit: 2, in_use: 1 });
    const again = await berth.api("POST", "/v1/containers", { token: "quinn-token", body: UNPLACEABLE });
    expect(again.status).toBe(202);
    expect(await inUse()).toEqual({ limit: 2, in_use: 2 });
  });
});
