import { setTimeout as sleep } from "node:timers/promises";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, GetCommand, QueryCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadServerlessConfig } from "../../local/serverless-config.ts";
import { SLEEPER, TEST_IMAGE } from "../../local/test-image.ts";
import { readConfig } from "../../shared/config.ts";
import { keys } from "../../shared/store/keys.ts";
import { removeLeftoverVolumes, startBerth, type TestBerth } from "../helpers/berth.ts";
import { type HostPolicyProxy, type PolicyStatement, startHostPolicyProxy } from "../helpers/host-policy-proxy.ts";
import { type LocalRegistry, startLocalRegistry } from "../helpers/local-registry.ts";

/**
 * The host agent's DynamoDB traffic goes through a proxy that applies
 * HostAgentRole's statements from serverless.yml as IAM would: a day of an
 * agent's work must need nothing the role does not allow.
 */
let berth: TestBerth;
let proxy: HostPolicyProxy;
let registry: LocalRegistry;

beforeAll(async () => {
  berth = await startBerth({ agents: 0 });
  const config = readConfig();
  const role = loadServerlessConfig(config.tableName.replace(/^berth-/, ""), config.region).resources.HostAgentRole!;
  const statements: PolicyStatement[] = role.Properties.Policies[0].PolicyDocument.Statement;
  proxy = await startHostPolicyProxy(config.dynamodbEndpoint!, statements);
  berth.stack.startAgent({ AWS_ENDPOINT_URL_DYNAMODB: proxy.endpoint });
  const deadline = Date.now() + 60_000;
  while ((await berth.stores.hosts.list()).length === 0) {
    if (Date.now() > deadline) throw new Error(`the agent did not register; refused: ${JSON.stringify(proxy.denials)}`);
    await sleep(200);
  }
  registry = await startLocalRegistry(berth.docker, [
    { from: TEST_IMAGE, repo: `private/busybox-${berth.deployment}`, tag: "1" },
  ]);
}, 180_000);
afterAll(async () => {
  await berth?.stop();
  if (berth) await removeLeftoverVolumes(berth);
  await registry?.stop();
  await proxy?.stop();
});

describe("HostAgentRole", () => {
  it("allows all an agent does: run, query, stop, start, a volume, a private pull, delete", async () => {
    const created = await berth.api("POST", "/v1/containers?run=true", {
      body: {
        name: "worker",
        image: TEST_IMAGE,
        command: SLEEPER,
        cpu: 0.1,
        memory: 16,
        mounts: [{ type: "volume", size: 1, destination: "/data" }],
      },
    });
    expect(created.status).toBe(202);
    await berth.waitForContainer("worker", (c) => c.status === "Running", 30_000);
    const executed = await berth.api("POST", "/v1/containers/worker/execute?run=true", {
      body: { command: "echo hello" },
    });
    expect(executed.body).toMatchObject({ output: "hello\n", exit_code: 0 });
    expect((await berth.api("GET", "/v1/containers/worker/logs")).status).toBe(200);
    expect((await berth.api("POST", "/v1/containers/worker/stop?timeout=1")).status).toBe(202);
    await berth.waitForContainer("worker", (c) => c.status === "Stopped", 30_000);
    expect((await berth.api("POST", "/v1/containers/worker/start")).status).toBe(202);
    await berth.waitForContainer("worker", (c) => c.status === "Running", 30_000);

    const registered = await berth.api("POST", "/v1/registries", {
      body: {
        registry: { name: "mine", domain: registry.domain, username: registry.username, password: registry.password },
      },
    });
    expect(registered.status).toBe(201);
    const privately = await berth.api("POST", "/v1/containers?run=true", {
      body: {
        image: `${registry.domain}/private/busybox-${berth.deployment}:1`,
        image_pull_policy: "always",
        command: SLEEPER,
        cpu: 0.1,
        memory: 16,
        // Its delete gives its place in the group back, in the agent's transaction.
        hints: { group: "workers", group_policy: "anti-affinity" },
      },
    });
    await berth.waitForContainer(privately.body.uuid, (c) => c.status === "Running", 30_000);

    for (const uuid of [created.body.uuid, privately.body.uuid]) {
      expect((await berth.api("DELETE", `/v1/containers/${uuid}?force=true`)).status).toBe(204);
      await berth.waitForGone(uuid);
    }
    expect(proxy.denials).toEqual([]);
    expect((await berth.api("GET", "/v1/server_groups/workers")).body.server_group.members).toEqual([]);
    // It did see the agent's work: transactions, its containers by host, its project's registries.
    const seen = new Set(proxy.accesses.map((access) => `${access.action} ${access.resource}`));
    for (const access of ["dynamodb:UpdateItem table", "dynamodb:Query index/gsi3", "dynamodb:Query index/gsi1"])
      expect(seen).toContain(access);
  }, 150_000);

  it("refuses what an agent never needs: quota classes, idempotency keys, every container's listing", async () => {
    const config = readConfig();
    const base = new DynamoDBClient({ region: config.region, endpoint: proxy.endpoint, maxAttempts: 1 });
    const db = DynamoDBDocumentClient.from(base);
    try {
      await expect(
        db.send(new GetCommand({ TableName: config.tableName, Key: keys.quotaClass("default") })),
      ).rejects.toMatchObject({ name: "AccessDeniedException" });
      await expect(
        db.send(new GetCommand({ TableName: config.tableName, Key: keys.idempotencyKey("p", "k") })),
      ).rejects.toMatchObject({ name: "AccessDeniedException" });
      await expect(
        db.send(
          new QueryCommand({
            TableName: config.tableName,
            IndexName: "gsi2",
            KeyConditionExpression: "gsi2pk = :all",
            ExpressionAttributeValues: { ":all": keys.allContainers() },
          }),
        ),
      ).rejects.toMatchObject({ name: "AccessDeniedException" });
    } finally {
      base.destroy();
    }
  });
});
