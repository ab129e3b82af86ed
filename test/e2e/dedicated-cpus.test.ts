import { UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SLEEPER, TEST_IMAGE } from "../../local/test-image.ts";
import { readConfig } from "../../shared/config.ts";
import { auditAccounting } from "../../shared/reconcile/audit-accounting.ts";
import { newAction } from "../../shared/store/actions.ts";
import { documentClientFor, sqsClientFor } from "../../shared/store/clients.ts";
import { keys } from "../../shared/store/keys.ts";
import { expectAccountingAgreement } from "../helpers/agreement.ts";
import { startBerth, type TestBerth } from "../helpers/berth.ts";
import { registerSimulatedHosts } from "../helpers/simulated-hosts.ts";

/**
 * `cpu_policy: dedicated` pins a container to whole cores of its host, each
 * core taken in the claim transaction only if no one holds it: on the real
 * agent's host (its Docker's cores) and on simulated hosts under concurrency.
 */
let berth: TestBerth;
let realHostId: string;
let cores: number;
beforeAll(async () => {
  berth = await startBerth();
  const [host] = await berth.stores.hosts.list();
  realHostId = host!.id;
  cores = host!.cpus;
});
afterAll(async () => {
  await berth?.stop();
});

const dedicated = (name: string, extra: Record<string, unknown> = {}) => ({
  name,
  image: TEST_IMAGE,
  command: SLEEPER,
  cpu: 1,
  cpu_policy: "dedicated",
  memory: 32,
  disk: 1,
  ...extra,
});

async function runDedicated(name: string): Promise<{ uuid: string; cpuset: string }> {
  const created = await berth.api("POST", "/v1/containers?run=true", { body: dedicated(name) });
  expect(created.status).toBe(202);
  expect(created.body).toMatchObject({ cpu_policy: "dedicated", host: expect.any(String) });
  const running = await berth.waitForContainer(created.body.uuid, (c) => c.status === "Running", 30_000);
  const { container_id } = (await berth.stores.containers.get(running.uuid))!;
  const inspected = await berth.docker.getContainer(container_id!).inspect();
  expect(inspected.HostConfig.CpusetCpus).toBe(running.cpuset);
  return { uuid: running.uuid, cpuset: running.cpuset };
}

async function pinnedOn(hostId: string): Promise<number[]> {
  return [...((await berth.stores.hosts.get(hostId))!.pinned_cores ?? [])].sort();
}

describe("dedicated cpus on the agent's host", () => {
  const running: Array<{ uuid: string; cpuset: string }> = [];

  it("refuses a fraction of a core for a dedicated container, naming cpu, and stores nothing", async () => {
    const refused = await berth.api("POST", "/v1/containers", { body: dedicated("half-core", { cpu: 1.5 }) });
    expect(refused.status).toBe(400);
    expect(refused.body.errors[0].detail).toMatch(/\bcpu\b/);
    expect(await berth.stores.containers.findUuidByName("demo", "half-core")).toBeUndefined();
  });

  it("pins each container to a core of its own, one per core of the host", async () => {
    for (let index = 0; index < cores; index++) running.push(await runDedicated(`pinned-${index}`));
    expect(running.map((container) => container.cpuset).sort()).toEqual(
      Array.from({ length: cores }, (_, core) => String(core)),
    );
    expect(await pinnedOn(realHostId)).toEqual(Array.from({ length: cores }, (_, core) => core));
  }, 120_000);

  it("finds no valid host once the host's cores are all pinned, and says it is the cores", async () => {
    const created = await berth.api("POST", "/v1/containers?run=true", { body: dedicated("one-too-many") });
    expect(created.status).toBe(202);
    expect(created.body.status).toBe("Error");
    expect(created.body.status_reason).toMatch(/^No valid host.*dedicated cores \(need 1 free, best has 0 free\)/);
    expect((await berth.stores.containers.get(created.body.uuid))!.claim).toBeNull();
    expect((await berth.api("DELETE", `/v1/containers/${created.body.uuid}`)).status).toBe(204);
    await berth.waitForGone(created.body.uuid);
  });

  it("gives a deleted container's core to the next dedicated container", async () => {
    const freed = running.shift()!;
    expect((await berth.api("DELETE", `/v1/containers/${freed.uuid}?force=true`)).status).toBe(204);
    await berth.waitForGone(freed.uuid, 30_000);
    expect(await pinnedOn(realHostId)).not.toContain(Number(freed.cpuset));
    const next = await runDedicated("pinned-next");
    expect(next.cpuset).toBe(freed.cpuset);
    running.push(next);
    await expectAccountingAgreement(berth);
  }, 60_000);

  it("keeps its cores through a memory resize, and refuses a cpu resize naming cpu", async () => {
    const [container] = running;
    const refused = await berth.api("PATCH", `/v1/containers/${container!.uuid}`, { body: { cpu: 2 } });
    expect(refused.status).toBe(400);
    expect(refused.body.errors[0].detail).toMatch(/\bcpu\b/);
    const resized = await berth.api("PATCH", `/v1/containers/${container!.uuid}`, { body: { memory: 48 } });
    expect(resized.status).toBe(200);
    expect(resized.body.cpuset).toBe(container!.cpuset);
    expect((await berth.stores.containers.get(container!.uuid))!.claim!.cores).toEqual([Number(container!.cpuset)]);
  });

  it("releases every core when the containers go", async () => {
    for (const container of running.splice(0)) {
      expect((await berth.api("DELETE", `/v1/containers/${container.uuid}?force=true`)).status).toBe(204);
      await berth.waitForGone(container.uuid, 30_000);
    }
    expect(await pinnedOn(realHostId)).toEqual([]);
  }, 60_000);
});

describe("a dedicated container's cores go back wherever its claim does", () => {
  it("a create that fails before Docker gives its cores back", async () => {
    const created = await berth.api("POST", "/v1/containers?run=true", {
      body: dedicated("unpullable", { image: "127.0.0.1:1/berth-test/absent:1", image_pull_policy: "always" }),
    });
    expect(created.status).toBe(202);
    expect(created.body.cpuset).toMatch(/^\d+$/);
    await berth.waitForContainer(created.body.uuid, (c) => c.status === "Error" && c.task_state === null, 30_000);
    expect(await pinnedOn(realHostId)).toEqual([]);
    expect((await berth.api("DELETE", `/v1/containers/${created.body.uuid}`)).status).toBe(204);
    await berth.waitForGone(created.body.uuid);
    expect(await pinnedOn(realHostId)).toEqual([]);
  }, 60_000);

  it("a move off a dead host gives the old host its cores back and takes free ones on the new host", async () => {
    const [from, to] = await registerSimulatedHosts(berth.stores.hosts, sqsClientFor(readConfig()), {
      count: 2,
      prefix: `${berth.deployment}-move`,
      cpus: 2,
      labels: (index) => ({ pool: `move-${index}` }),
    });
    // The new host has core 0 taken already: the moved container must get core 1 there.
    const blocker = await berth.api("POST", "/v1/containers", {
      body: { ...dedicated("move-blocker"), hints: { "label:pool": "move-1" } },
    });
    const moving = await berth.api("POST", "/v1/containers", {
      body: { ...dedicated("move-me"), hints: { "label:pool": "move-0" } },
    });
    expect([blocker.body.cpuset, moving.body.cpuset]).toEqual(["0", "0"]);
    const record = (await berth.stores.containers.get(moving.body.uuid))!;
    const now = new Date().toISOString();
    const outcome = await berth.stores.containers.moveToHost(
      record,
      (await berth.stores.hosts.get(to!))!,
      newAction(
        {
          action: "reschedule",
          container_uuid: record.uuid,
          request_id: "req-move",
          user_id: "berth-reconciler",
          project_id: record.project_id,
        },
        now,
      ),
      { kind: "create", container_uuid: record.uuid, generation: record.generation + 1, request_id: "req-move" },
      "its host died",
    );
    expect(outcome).toBe("placed");
    expect(await pinnedOn(from!)).toEqual([]);
    expect(await pinnedOn(to!)).toEqual([0, 1]);
    expect((await berth.stores.containers.get(record.uuid))!.claim!.cores).toEqual([1]);
  });
});

describe("dedicated cpus under concurrency", () => {
  it("never pins two containers to the same core, and a host's cores run out exactly", async () => {
    const hostIds = await registerSimulatedHosts(berth.stores.hosts, sqsClientFor(readConfig()), {
      count: 3,
      prefix: `${berth.deployment}-cores`,
      cpus: 4,
      labels: () => ({ pool: "cores" }),
    });
    const creates = await Promise.all(
      Array.from({ length: 20 }, (_, index) =>
        berth.api("POST", "/v1/containers", {
          body: { ...dedicated(`racing-${index}`), hints: { "label:pool": "cores" } },
        }),
      ),
    );
    expect(creates.map((created) => created.status)).toEqual(Array(20).fill(202));
    const placed = creates.filter((created) => created.body.status !== "Error");
    expect(placed).toHaveLength(12);
    for (const refused of creates.filter((created) => created.body.status === "Error"))
      expect(refused.body.status_reason).toMatch(/dedicated cores/);

    for (const hostId of hostIds) {
      const records = await berth.stores.containers.listByHost(hostId);
      const claimed = records.flatMap((record) => record.claim?.cores ?? []).sort();
      expect(claimed).toEqual([0, 1, 2, 3]);
      expect(await pinnedOn(hostId)).toEqual([0, 1, 2, 3]);
    }
  }, 60_000);
});

describe("the accounting audit", () => {
  it("gives a host back the cores its claims hold when its pinned cores drifted", async () => {
    const [hostId] = await registerSimulatedHosts(berth.stores.hosts, sqsClientFor(readConfig()), {
      count: 1,
      prefix: `${berth.deployment}-audit`,
      cpus: 4,
      labels: () => ({ pool: "audit" }),
    });
    const placed = await berth.api("POST", "/v1/containers", {
      body: { ...dedicated("audited"), hints: { "label:pool": "audit" } },
    });
    expect(placed.body.cpuset).toBe("0");
    const config = readConfig();
    // Core 0 lost, core 3 pinned by no one: as if a release had gone wrong.
    await documentClientFor(config).send(
      new UpdateCommand({
        TableName: config.tableName,
        Key: keys.host(hostId!),
        UpdateExpression: "SET pinned_cores = :drifted",
        ExpressionAttributeValues: { ":drifted": new Set([3]) },
      }),
    );
    const audit = await auditAccounting(berth.stores, { settleMs: 100 });
    expect(audit.corrections.filter((correction) => correction.kind === "cores")).toEqual([
      { kind: "cores", id: hostId, recorded: { pinned_cores: "3" }, recomputed: { pinned_cores: "0" } },
    ]);
    expect(await pinnedOn(hostId!)).toEqual([0]);
    expect((await auditAccounting(berth.stores, { settleMs: 100 })).corrections).toEqual([]);
  });
});
