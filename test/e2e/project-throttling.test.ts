import { setTimeout as sleep } from "node:timers/promises";
import { QueryCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readConfig } from "../../shared/config.ts";
import { documentClientFor } from "../../shared/store/clients.ts";
import { startBerth, type TestBerth } from "../helpers/berth.ts";

const WINDOW_SECONDS = 5;
const WRITES = 3;
const READS = 5;
const TOKENS = {
  "alice-token": { projectId: "project-a", userId: "alice", roles: ["member"] },
  "bob-token": { projectId: "project-b", userId: "bob", roles: ["member"] },
  "carol-token": { projectId: "project-c", userId: "carol", roles: ["member"] },
  "root-token": { projectId: "ops", userId: "root", roles: ["admin"] },
};
/** A write that changes nothing: deleting a container that does not exist (404 when let through). */
const A_WRITE = ["DELETE", "/v1/containers/nothing-here"] as const;
const A_READ = ["GET", "/v1/containers"] as const;

let berth: TestBerth;

beforeAll(async () => {
  berth = await startBerth({
    callers: TOKENS,
    agents: 0,
    environment: {
      BERTH_THROTTLE_WINDOW_SECONDS: String(WINDOW_SECONDS),
      BERTH_THROTTLE_WRITES: String(WRITES),
      BERTH_THROTTLE_READS: String(READS),
    },
  });
});
afterAll(async () => {
  await berth?.stop();
});

/** Waits for a fresh window, so a burst is counted in one. */
async function atWindowStart(): Promise<void> {
  const windowMs = WINDOW_SECONDS * 1000;
  await sleep(windowMs - (Date.now() % windowMs) + 50);
}

const statuses = (responses: Array<{ status: number }>) => responses.map((response) => response.status);

describe("per-project throttling through the HTTP API", () => {
  it("refuses a project's writes past its limit with a 429 in Zun's format and Retry-After, leaving other projects and its reads alone", async () => {
    await atWindowStart();
    const [method, path] = A_WRITE;
    const allowed = [];
    for (let index = 0; index < WRITES; index++) allowed.push(await berth.api(method, path, { token: "alice-token" }));
    expect(statuses(allowed)).toEqual([404, 404, 404]);

    const refused = await berth.api(method, path, { token: "alice-token" });
    expect(refused.status).toBe(429);
    expect(refused.body.errors[0]).toMatchObject({
      code: "too_many_requests",
      status: 429,
      title: "Too Many Requests",
    });
    expect(refused.body.errors[0].detail).toContain("project-a");
    const retryAfter = Number(refused.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(WINDOW_SECONDS);

    expect((await berth.api(method, path, { token: "bob-token" })).status).toBe(404);
    expect((await berth.api(...A_READ, { token: "alice-token" })).status).toBe(200);

    await sleep(retryAfter * 1000 + 100);
    expect((await berth.api(method, path, { token: "alice-token" })).status).toBe(404);
  });

  it("holds the limit under concurrency: of a burst, exactly the limit gets through", async () => {
    await atWindowStart();
    const burst = await Promise.all(Array.from({ length: 12 }, () => berth.api(...A_READ, { token: "carol-token" })));
    expect(statuses(burst).filter((status) => status === 200)).toHaveLength(READS);
    expect(statuses(burst).filter((status) => status === 429)).toHaveLength(12 - READS);
  });

  it("lets the cloud admin through whatever the limit", async () => {
    await atWindowStart();
    const responses = [];
    for (let index = 0; index < WRITES * 3; index++)
      responses.push(await berth.api(...A_WRITE, { token: "root-token" }));
    expect(statuses(responses).every((status) => status === 404)).toBe(true);
  });

  it("keeps each window's counter with a TTL that ends soon after its window", async () => {
    await berth.api(...A_WRITE, { token: "bob-token" });
    const config = readConfig();
    const { Items = [] } = await documentClientFor(config).send(
      new QueryCommand({
        TableName: config.tableName,
        KeyConditionExpression: "pk = :pk",
        ExpressionAttributeValues: { ":pk": "THROTTLE#project-b#write" },
      }),
    );
    expect(Items.length).toBeGreaterThan(0);
    const now = Date.now() / 1000;
    for (const item of Items) {
      expect(typeof item.expires_at).toBe("number");
      expect(item.expires_at).toBeGreaterThan(now - 2 * WINDOW_SECONDS);
      expect(item.expires_at).toBeLessThanOrEqual(now + WINDOW_SECONDS + 60);
    }
  });
});
