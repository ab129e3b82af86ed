import { setTimeout as sleep } from "node:timers/promises";
import { QueryCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SLEEPER, TEST_IMAGE } from "../../local/test-image.ts";
import { readConfig } from "../../shared/config.ts";
import { documentClientFor } from "../../shared/store/clients.ts";
import { startBerth, type TestBerth } from "../helpers/berth.ts";

const TOMBSTONE_DAYS = 3;
let berth: TestBerth;

beforeAll(async () => {
  berth = await startBerth({ environment: { BERTH_TOMBSTONE_DAYS: String(TOMBSTONE_DAYS) } });
});
afterAll(async () => {
  await berth?.stop();
});

/** The container's action items as stored, whatever the API still shows. */
async function storedActions(uuid: string): Promise<Array<Record<string, any>>> {
  const config = readConfig();
  const { Items = [] } = await documentClientFor(config).send(
    new QueryCommand({
      TableName: config.tableName,
      KeyConditionExpression: "pk = :pk AND begins_with(sk, :actions)",
      ExpressionAttributeValues: { ":pk": `CONTAINER#${uuid}`, ":actions": "ACTION#" },
    }),
  );
  return Items;
}

/** The host gives the log its expiry once it has recorded the delete's outcome, just after the record goes. */
async function onceAllExpire(uuid: string, timeoutMs = 30_000): Promise<Array<Record<string, any>>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const actions = await storedActions(uuid);
    if (actions.every((action) => action.expires_at !== undefined) || Date.now() > deadline) return actions;
    await sleep(100);
  }
}

function expectExpiringWithTheTombstone(actions: Array<Record<string, any>>, deletedAt: number): void {
  const retained = TOMBSTONE_DAYS * 86400;
  for (const action of actions) {
    expect(action.expires_at, action.action).toBeGreaterThanOrEqual(Math.floor(deletedAt / 1000) + retained - 5);
    expect(action.expires_at, action.action).toBeLessThanOrEqual(Math.ceil(Date.now() / 1000) + retained + 5);
  }
}

describe("a deleted container's action log is forgotten by the table's TTL", () => {
  it("keeps a live container's actions without an expiry", async () => {
    const created = await berth.api("POST", "/v1/containers", {
      body: { image: TEST_IMAGE, command: SLEEPER, cpu: 0.1, memory: 16 },
    });
    await berth.waitForContainer(created.body.uuid, (c) => c.status === "Created", 40_000);
    const actions = await storedActions(created.body.uuid);
    expect(actions.length).toBe(1);
    expect(actions[0]!.expires_at).toBeUndefined();
    expect((await berth.api("DELETE", `/v1/containers/${created.body.uuid}`)).status).toBe(204);
    await berth.waitForGone(created.body.uuid, 40_000);
  });

  it("a placed container deleted through its host: every action expires with its tombstone", {
    timeout: 150_000,
  }, async () => {
    const created = await berth.api("POST", "/v1/containers?run=true", {
      body: { image: TEST_IMAGE, command: SLEEPER, cpu: 0.1, memory: 16 },
    });
    const uuid = created.body.uuid;
    await berth.waitForContainer(uuid, (c) => c.status === "Running", 40_000);
    expect((await berth.api("POST", `/v1/containers/${uuid}/stop`)).status).toBe(202);
    await berth.waitForContainer(uuid, (c) => c.status === "Stopped" && c.task_state === null, 40_000);
    const deletedAt = Date.now();
    expect((await berth.api("DELETE", `/v1/containers/${uuid}`)).status).toBe(204);
    await berth.waitForGone(uuid, 40_000);
    const actions = await onceAllExpire(uuid);
    expect(actions.map((action) => action.action).sort()).toEqual(["create", "delete", "stop"]);
    expectExpiringWithTheTombstone(actions, deletedAt);
  });

  it("a container that never placed, deleted at once by the function: its action expires too", async () => {
    const created = await berth.api("POST", "/v1/containers", {
      body: { image: TEST_IMAGE, availability_zone: "nowhere" },
    });
    const uuid = created.body.uuid;
    await berth.waitForContainer(uuid, (c) => c.status === "Error", 40_000);
    const deletedAt = Date.now();
    expect((await berth.api("DELETE", `/v1/containers/${uuid}`)).status).toBe(204);
    const actions = await storedActions(uuid);
    expect(actions.length).toBeGreaterThan(0);
    expectExpiringWithTheTombstone(actions, deletedAt);
  });
});
