import { readFileSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import Docker from "dockerode";
import { startLocalStack } from "../local/stack.ts";
import { ensureTestImage, SLEEPER, TEST_IMAGE } from "../local/test-image.ts";
import { readConfig } from "../shared/config.ts";
import { storesFor } from "../shared/store/stores.ts";

const PARALLELISM = 10;

/**
 * 100 containers created and started on one host through Berth (HTTP → queue
 * → agent → Docker → Running recorded) against the same 100 through the Docker
 * API directly with the same parallelism: the floor. Then the agent's peak RSS
 * while it holds 100 and 500 running containers.
 */
export async function benchAgent(counts: { compare: number; rss: number[] }) {
  const docker = new Docker({ socketPath: "/var/run/docker.sock" });
  await ensureTestImage(docker);
  const stack = await startLocalStack({
    stage: `agent${Date.now().toString(36)}`,
    agents: 1,
    scheduleEverySeconds: 0,
    agentOutput: "ignore",
    // Room for 500 small containers on a small machine: 0.1 cpu each, offered 40 times over.
    environment: { BERTH_QUIET: "1", BERTH_CPU_ALLOCATION_RATIO: "40", BERTH_DISK_ALLOCATION_RATIO: "4" },
  });
  const config = readConfig();
  const stores = storesFor(config);
  while ((await stores.hosts.list()).length === 0) await sleep(100);
  await stores.quotas.putProject("demo", { containers: -1, cpu: -1, memory: -1, disk: -1 });
  const agentPid = stack.agents[0]!.pid!;
  const direct: string[] = [];
  const results: Record<string, number> = {};
  try {
    // The floor does Docker's part of the same work: its containers join a network of their own too.
    const floorNetwork = await docker.createNetwork({
      Name: `${config.tableName}-floor`,
      Labels: { "berth.deployment": config.tableName },
    });
    const floorMs = await timed(counts.compare, async () => {
      const container = await docker.createContainer({
        Image: TEST_IMAGE,
        Cmd: SLEEPER,
        HostConfig: { NanoCpus: 1e8, Memory: 8 * 1024 * 1024, NetworkMode: floorNetwork.id },
      });
      await container.start();
      direct.push(container.id);
    });
    for (const id of direct.splice(0)) await docker.getContainer(id).remove({ force: true });

    const berthMs = await timed(counts.compare, () => createThroughBerth(stack.apiUrl, stores));
    results.ratio = berthMs / floorMs;
    console.log(`\nagent: ${counts.compare} containers created and started, ${PARALLELISM} at a time`);
    console.log(`  Docker API directly (floor)  ${(floorMs / 1000).toFixed(2)} s`);
    console.log(`  through Berth                ${(berthMs / 1000).toFixed(2)} s`);
    console.log(`  ratio Berth / floor: ${results.ratio.toFixed(2)}×`);

    let running = counts.compare;
    for (const target of counts.rss) {
      if (target > running) await timed(target - running, () => createThroughBerth(stack.apiUrl, stores));
      running = Math.max(running, target);
      await sleep(2000);
      results[`rss${target}`] = peakRssMiB(agentPid);
      console.log(`  agent peak RSS with ${target} containers: ${results[`rss${target}`]!.toFixed(1)} MiB`);
    }
  } finally {
    await stack.stop();
    const owned = await docker.listContainers({
      all: true,
      filters: { label: [`berth.deployment=${config.tableName}`] },
    });
    await Promise.all(
      [...owned.map((c) => c.Id), ...direct].map((id) =>
        docker
          .getContainer(id)
          .remove({ force: true })
          .catch(() => undefined),
      ),
    );
    for (const network of await docker.listNetworks({ filters: { label: [`berth.deployment=${config.tableName}`] } }))
      await docker
        .getNetwork(network.Id)
        .remove()
        .catch(() => undefined);
  }
  return results;
}

async function createThroughBerth(apiUrl: string, stores: ReturnType<typeof storesFor>): Promise<void> {
  const response = await fetch(`${apiUrl}/v1/containers?run=true`, {
    method: "POST",
    headers: { "x-auth-token": "berth-dev-admin", "content-type": "application/json" },
    body: JSON.stringify({ image: TEST_IMAGE, command: SLEEPER, cpu: 0.1, memory: 8, disk: 1 }),
  });
  const created = (await response.json()) as { uuid: string; status: string; status_reason: string };
  if (created.status === "Error") throw new Error(`create failed: ${created.status_reason}`);
  for (;;) {
    const record = await stores.containers.get(created.uuid);
    if (record?.status === "Running") return;
    if (record?.status === "Error") throw new Error(`container failed: ${record.status_reason}`);
    // Gentle polling: the bench must not load the emulator the agent writes to.
    await sleep(25);
  }
}

/** Runs `task` `count` times, PARALLELISM at once; returns the elapsed milliseconds. */
async function timed(count: number, task: () => Promise<void>): Promise<number> {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: PARALLELISM }, async () => {
      while (next < count) {
        next++;
        await task();
      }
    }),
  );
  return performance.now() - started;
}

function peakRssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kib = Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? NaN);
  return kib / 1024;
}
