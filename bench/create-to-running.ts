import { setTimeout as sleep } from "node:timers/promises";
import Docker from "dockerode";
import { startLocalStack } from "../local/stack.ts";
import { ensureTestImage, SLEEPER, TEST_IMAGE } from "../local/test-image.ts";
import { readConfig } from "../shared/config.ts";
import { storesFor } from "../shared/store/stores.ts";
import { median, percentile, printTable } from "./stats.ts";

/**
 * Time from `POST /v1/containers?run=true` to the record saying Running,
 * against the physical floor: `docker create` + `docker start` of the same
 * image with the same limits through the Docker API. The two are interleaved
 * in one run so the machine's noise falls on both alike.
 */
export async function benchCreateToRunning(samples: number) {
  const docker = new Docker({ socketPath: "/var/run/docker.sock" });
  await ensureTestImage(docker);
  const stack = await startLocalStack({
    stage: `bench${Date.now().toString(36)}`,
    agents: 1,
    scheduleEverySeconds: 0,
    agentOutput: "ignore",
    environment: { BERTH_QUIET: "1" },
  });
  const stores = storesFor(readConfig());
  while ((await stores.hosts.list()).length === 0) await sleep(100);
  const body = { image: TEST_IMAGE, command: SLEEPER, cpu: 0.1, memory: 16 };
  // The floor does Docker's part of the same work: its container joins a network of its own too.
  const floorNetwork = await docker.createNetwork({
    Name: `${process.env.BERTH_TABLE}-floor`,
    Labels: { "berth.deployment": process.env.BERTH_TABLE! },
  });
  const berthTimes: number[] = [];
  const dockerTimes: number[] = [];
  const dockerIds: string[] = [];
  try {
    for (let sample = -2; sample < samples; sample++) {
      const viaBerth = await timeBerthCreate(stack.apiUrl, body, stores);
      const viaDocker = await timeDockerCreate(docker, body, dockerIds, floorNetwork.id);
      // Untimed: leave the host as empty as it was, for both.
      await deleteThroughBerth(stack.apiUrl, stores);
      for (const id of dockerIds.splice(0)) await docker.getContainer(id).remove({ force: true });
      if (sample >= 0) {
        berthTimes.push(viaBerth);
        dockerTimes.push(viaDocker);
      }
    }
  } finally {
    await stack.stop();
    const owned = await docker.listContainers({
      all: true,
      filters: { label: [`berth.deployment=${process.env.BERTH_TABLE}`] },
    });
    for (const container of [...owned.map((c) => c.Id), ...dockerIds])
      await docker
        .getContainer(container)
        .remove({ force: true })
        .catch(() => undefined);
    for (const network of await docker.listNetworks({
      filters: { label: [`berth.deployment=${process.env.BERTH_TABLE}`] },
    }))
      await docker
        .getNetwork(network.Id)
        .remove()
        .catch(() => undefined);
  }
  const ratio = median(berthTimes) / median(dockerTimes);
  printTable(`create → Running, ${samples} samples each (ms)`, [
    { name: "Berth: POST ?run=true → Running", median: median(berthTimes), p90: percentile(berthTimes, 0.9) },
    { name: "Docker API: create + start (floor)", median: median(dockerTimes), p90: percentile(dockerTimes, 0.9) },
  ]);
  console.log(`ratio Berth / floor (medians): ${ratio.toFixed(2)}×`);
  return { ratio, berthMedian: median(berthTimes), dockerMedian: median(dockerTimes) };
}

async function timeBerthCreate(apiUrl: string, body: object, stores: ReturnType<typeof storesFor>): Promise<number> {
  const started = performance.now();
  const response = await fetch(`${apiUrl}/v1/containers?run=true`, {
    method: "POST",
    headers: { "x-auth-token": "berth-dev-admin", "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  const created = (await response.json()) as { uuid: string; status: string };
  if (response.status !== 202 || created.status === "Error")
    throw new Error(`create failed: ${JSON.stringify(created)}`);
  for (;;) {
    const record = await stores.containers.get(created.uuid);
    if (record?.status === "Running") return performance.now() - started;
    if (record?.status === "Error") throw new Error(`container failed: ${record.status_reason}`);
    // Gentle polling: the bench must not load the emulator the agent writes to.
    await sleep(10);
  }
}

async function deleteThroughBerth(apiUrl: string, stores: ReturnType<typeof storesFor>): Promise<void> {
  const headers = { "x-auth-token": "berth-dev-admin" };
  const { containers } = (await (await fetch(`${apiUrl}/v1/containers`, { headers })).json()) as {
    containers: Array<{ uuid: string }>;
  };
  for (const { uuid } of containers) {
    await fetch(`${apiUrl}/v1/containers/${uuid}?force=true`, { method: "DELETE", headers });
    while (await stores.containers.get(uuid)) await sleep(10);
  }
}

async function timeDockerCreate(
  docker: Docker,
  body: { image: string; command: string[]; cpu: number; memory: number },
  ids: string[],
  network: string,
): Promise<number> {
  const started = performance.now();
  const container = await docker.createContainer({
    Image: body.image,
    Cmd: body.command,
    HostConfig: { NanoCpus: body.cpu * 1e9, Memory: body.memory * 1024 * 1024, NetworkMode: network },
  });
  await container.start();
  const elapsed = performance.now() - started;
  ids.push(container.id);
  return elapsed;
}
