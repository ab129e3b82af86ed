import type { ChildProcess } from "node:child_process";
import { setTimeout as sleep } from "node:timers/promises";
import { BatchWriteCommand, ScanCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, expect, it } from "vitest";
import { handler as reconcile } from "../../functions/reconcile/reconcile.ts";
import { SLEEPER, TEST_IMAGE } from "../../local/test-image.ts";
import { readConfig } from "../../shared/config.ts";
import { sendToHost } from "../../shared/queue/host-messages.ts";
import { documentClientFor, sqsClientFor } from "../../shared/store/clients.ts";
import { dockerVolumeName } from "../../shared/volumes/mounts.ts";
import { ensureImageWithAnonymousVolume } from "../helpers/anonymous-volume-image.ts";
import { startBerth, type TestBerth } from "../helpers/berth.ts";

/**
 * The agent removes a Docker container only on positive evidence (its record
 * places it elsewhere, or a tombstone says it was deleted), never because a
 * record is merely missing: an agent pointed at an emptied or restored table
 * keeps everything running and reports what it does not know.
 */
let berth: TestBerth;
let hostId: string;
let image: string;

beforeAll(async () => {
  berth = await startBerth({ environment: { BERTH_HOST_DOWN_AFTER_SECONDS: "6", BERTH_SYNC_SECONDS: "2" } });
  hostId = (await berth.stores.hosts.list())[0]!.id;
  image = await ensureImageWithAnonymousVolume(berth.docker);
}, 120_000);

afterAll(async () => {
  await berth?.stop();
  // The volumes the emptied table forgot are kept by design: this test removes its own.
  for (const volume of (
    await berth?.docker.listVolumes({ filters: { label: [`berth.deployment=${berth.deployment}`] } })
  )?.Volumes ?? []) {
    await berth.docker
      .getVolume(volume.Name)
      .remove()
      .catch(() => undefined);
  }
});

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once("exit", () => resolve()));
}

function liveAgent(): ChildProcess {
  return berth.stack.agents.find((child) => child.exitCode === null && child.signalCode === null)!;
}

async function startAgentAgain(): Promise<void> {
  const since = Date.now();
  berth.stack.startAgent();
  const deadline = since + 30_000;
  while (!((await berth.stores.hosts.get(hostId))?.heartbeat_at! >= since)) {
    if (Date.now() > deadline) throw new Error("the agent did not come back");
    await sleep(100);
  }
}

async function until<T>(
  what: string,
  read: () => Promise<T>,
  done: (value: T) => boolean,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms; last: ${JSON.stringify(value)}`);
    await sleep(200);
  }
}

const dockerCopies = async (uuid: string) =>
  (await berth.dockerContainers()).filter((container) => container.Labels["berth.uuid"] === uuid);

it("a container deleted while its host was down is removed when the host returns, with its anonymous volumes and the volume deleted with it", async () => {
  const created = await berth.api("POST", "/v1/containers?run=true", {
    body: {
      image,
      command: SLEEPER,
      cpu: 0.1,
      memory: 16,
      mounts: [{ type: "volume", size: 1, destination: "/data" }],
    },
  });
  expect(created.status).toBe(202);
  const running = await berth.waitForContainer(
    created.body.uuid,
    (c) => c.status === "Running" && c.task_state === null,
  );
  const record = (await berth.stores.containers.get(running.uuid))!;
  const named = dockerVolumeName((record.mounts![0] as { volume_uuid: string }).volume_uuid);
  const anonymous = (
    (await berth.docker.getContainer(record.container_id!).inspect()).Mounts as Array<{ Type: string; Name?: string }>
  )
    .filter((mount) => mount.Type === "volume" && mount.Name !== named)
    .map((mount) => mount.Name!);
  expect(anonymous).toHaveLength(1);

  const agent = liveAgent();
  agent.kill("SIGKILL");
  await exited(agent);
  expect((await berth.api("DELETE", `/v1/containers/${running.uuid}?stop=true`)).status).toBe(204);
  // The host is found down and the reconciler completes the delete in the records, leaving its tombstone.
  await until(
    "the delete completed in the records",
    async () => {
      await reconcile();
      return berth.stores.containers.get(running.uuid);
    },
    (record) => record === undefined,
    30_000,
  );
  expect(await dockerCopies(running.uuid)).toHaveLength(1);

  await startAgentAgain();
  await until(
    "the deleted copy removed",
    () => dockerCopies(running.uuid),
    (copies) => copies.length === 0,
  );
  const volumes = (await berth.docker.listVolumes()).Volumes.map((volume) => volume.Name);
  expect(
    volumes.filter((name) => anonymous.includes(name)),
    "its anonymous volume",
  ).toEqual([]);
  await until(
    "its deleted volume removed",
    async () => (await berth.docker.listVolumes()).Volumes.map((volume) => volume.Name),
    (names) => !names.includes(named),
  );
}, 90_000);

it("an agent started against an emptied table removes nothing: what it does not know keeps running and is listed on its host", async () => {
  const made: any[] = [];
  for (const name of ["kept-a", "kept-b"]) {
    const created = await berth.api("POST", "/v1/containers?run=true", {
      body: {
        name,
        image: TEST_IMAGE,
        command: SLEEPER,
        cpu: 0.1,
        memory: 16,
        mounts: [{ type: "volume", size: 1, destination: "/data" }],
      },
    });
    expect(created.status).toBe(202);
    made.push(await berth.waitForContainer(created.body.uuid, (c) => c.status === "Running" && c.task_state === null));
  }
  const records = await Promise.all(made.map((container) => berth.stores.containers.get(container.uuid)));
  const volumeUuids = records.map((record) => (record!.mounts![0] as { volume_uuid: string }).volume_uuid);

  const agent = liveAgent();
  agent.kill("SIGTERM");
  await exited(agent);
  await emptyTheTable();
  await startAgentAgain();

  // A few sync periods on, all still there and running.
  await sleep(5000);
  for (const container of made) {
    const copies = await dockerCopies(container.uuid);
    expect(copies, `${container.name} in Docker`).toHaveLength(1);
    expect(copies[0]!.State).toBe("running");
  }
  const host = await until(
    "the host lists its unknown containers",
    async () => (await berth.api("GET", `/v1/hosts/${hostId}`)).body,
    (view) => (view.unknown_containers ?? []).length === 2,
  );
  expect(host.unknown_containers.map((entry: { uuid: string }) => entry.uuid).sort()).toEqual(
    made.map((container) => container.uuid).sort(),
  );
  for (const entry of host.unknown_containers) {
    expect(entry.docker_id).toMatch(/^[0-9a-f]{64}$/);
    expect(entry.name).toBe(`berth-${entry.uuid}`);
    expect(Date.parse(entry.first_seen)).toBeGreaterThan(0);
  }
  expect(host.unknown_container_count).toBe(2);

  // Their volumes too are kept and listed; a removal sent for one the table knows nothing of (no record, no tombstone) removes nothing.
  const withVolumes = await until(
    "the host lists the volumes it keeps",
    async () => (await berth.api("GET", `/v1/hosts/${hostId}`)).body,
    (view) =>
      volumeUuids.every((uuid) => (view.unknown_volumes ?? []).some((entry: { uuid: string }) => entry.uuid === uuid)),
  );
  expect(withVolumes.unknown_volumes.map((entry: { name: string }) => entry.name).sort()).toEqual(
    volumeUuids.map(dockerVolumeName).sort(),
  );
  await sendToHost(sqsClientFor(readConfig()), (await berth.stores.hosts.get(hostId))!.queue_url, {
    kind: "delete_volume",
    volume_uuid: volumeUuids[0]!,
    request_id: "req-stale-volume-removal",
  });
  await sleep(4000);
  for (const uuid of volumeUuids) await berth.docker.getVolume(dockerVolumeName(uuid)).inspect();

  // An entry goes once its container is no longer there; the others keep when they were first seen.
  const firstSeen = host.unknown_containers.find((entry: { uuid: string }) => entry.uuid === made[1].uuid).first_seen;
  await berth.docker
    .getContainer(host.unknown_containers.find((entry: { uuid: string }) => entry.uuid === made[0].uuid).docker_id)
    .remove({ force: true });
  const after = await until(
    "the removed container leaves the list",
    async () => (await berth.api("GET", `/v1/hosts/${hostId}`)).body,
    (view) => (view.unknown_containers ?? []).length === 1,
  );
  expect(after.unknown_containers[0]).toMatchObject({ uuid: made[1].uuid, first_seen: firstSeen });
  expect(after.unknown_container_count).toBe(1);
}, 90_000);

/** As a table restored from a backup older than every container (or a wrong, empty one) would look to an agent. */
async function emptyTheTable(): Promise<void> {
  const config = readConfig();
  const db = documentClientFor(config);
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await db.send(
      new ScanCommand({ TableName: config.tableName, ProjectionExpression: "pk, sk", ExclusiveStartKey: startKey }),
    );
    const items = page.Items ?? [];
    for (let index = 0; index < items.length; index += 25) {
      const batch = items
        .slice(index, index + 25)
        .map((item) => ({ DeleteRequest: { Key: { pk: item.pk, sk: item.sk } } }));
      await db.send(new BatchWriteCommand({ RequestItems: { [config.tableName]: batch } }));
    }
    startKey = page.LastEvaluatedKey;
  } while (startKey);
}
