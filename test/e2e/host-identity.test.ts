import { type ChildProcess, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, expect, it } from "vitest";
import { PROJECT_ROOT } from "../../local/serverless-config.ts";
import { startBerth, type TestBerth } from "../helpers/berth.ts";

/**
 * A host's identity belongs to its agent, kept in the agent's state folder:
 * two agents on one Docker engine are two hosts, and an agent restarted on
 * its folder is the same host.
 */
let berth: TestBerth;

beforeAll(async () => {
  berth = await startBerth({ agents: 2 });
}, 120_000);

afterAll(async () => {
  await berth?.stop();
});

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once("exit", () => resolve()));
}

async function hostsAfter(count: number, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const hosts = await berth.stores.hosts.list();
    if (hosts.length >= count) return hosts;
    if (Date.now() > deadline) throw new Error(`${hosts.length} hosts registered, not ${count}`);
    await sleep(200);
  }
}

async function heartbeatSince(hostId: string, since: number, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!((await berth.stores.hosts.get(hostId))?.heartbeat_at! >= since)) {
    if (Date.now() > deadline) throw new Error(`host ${hostId} did not heartbeat again`);
    await sleep(200);
  }
}

const hostIdOfSlot = (slot: number) => readFileSync(`${berth.stack.agentStateDir(slot)}/host-id`, "utf8").trim();

it("two agents on one Docker engine are two hosts, each with its own queue and the id kept in its state folder", async () => {
  const hosts = await hostsAfter(2);
  expect(hosts).toHaveLength(2);
  expect(new Set(hosts.map((host) => host.id)).size).toBe(2);
  expect(new Set(hosts.map((host) => host.queue_url)).size).toBe(2);
  expect(hosts.map((host) => host.id).sort()).toEqual([hostIdOfSlot(0), hostIdOfSlot(1)].sort());
});

it("a second agent on a folder whose agent is alive refuses to start, saying why", async () => {
  const child = spawn(process.execPath, ["--import", "tsx", `${PROJECT_ROOT}agents/host-agent/main.ts`], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, ...berth.stack.environment, BERTH_AGENT_STATE_DIR: berth.stack.agentStateDir(0) },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  await Promise.race([exited(child), sleep(30_000)]);
  child.kill("SIGKILL");
  expect(child.exitCode).not.toBe(0);
  expect(child.exitCode).not.toBeNull();
  expect(output).toContain(
    `${berth.stack.agentStateDir(0)} is held by another agent (pid ${berth.stack.agents[0]!.pid})`,
  );
  expect(await berth.stores.hosts.list()).toHaveLength(2);
});

it("the agent of slot 0 restarted, gently or after a SIGKILL (its lock left behind), is the same host", async () => {
  const id = hostIdOfSlot(0);
  for (const signal of ["SIGTERM", "SIGKILL"] as const) {
    const agent = slotZeroAgent();
    agent.kill(signal);
    await exited(agent);
    const since = Date.now();
    berth.stack.startAgent();
    await heartbeatSince(id, since);
    expect(hostIdOfSlot(0)).toBe(id);
    expect((await berth.stores.hosts.list()).map((host) => host.id).sort()).toEqual(
      [hostIdOfSlot(0), hostIdOfSlot(1)].sort(),
    );
  }
}, 90_000);

/** The newest agent started in slot 0: the first, or the one started after it died. */
function slotZeroAgent(): ChildProcess {
  const agents = berth.stack.agents;
  const slotOne = agents[1]!;
  return [...agents].reverse().find((child) => child !== slotOne)!;
}

it("on upgrade, the first agent on an engine whose host was registered under the id derived from Docker's daemon ID keeps that id; the next gets its own", async () => {
  const info = await berth.docker.info();
  const legacy = createHash("sha256")
    .update(String(info.ID ?? info.Name))
    .digest("hex")
    .slice(0, 16);
  // As an agent before this version registered it.
  const some = (await berth.stores.hosts.list())[0]!;
  await berth.stores.hosts.register({
    id: legacy,
    hostname: some.hostname,
    cpus: some.cpus,
    cpu_total_millis: some.cpu_total_millis,
    mem_total: some.mem_total,
    disk_total: some.disk_total,
    architecture: some.architecture,
    os_type: some.os_type,
    os: some.os,
    kernel_version: some.kernel_version,
    labels: {},
    runtimes: some.runtimes,
    availability_zone: some.availability_zone,
    queue_url: "",
  });
  const before = (await berth.stores.hosts.list()).length;
  const since = Date.now();
  berth.stack.startAgent();
  await heartbeatSince(legacy, since);
  expect(hostIdOfSlot(2)).toBe(legacy);
  berth.stack.startAgent();
  await hostsAfter(before + 1);
  expect(hostIdOfSlot(3)).not.toBe(legacy);
  expect(new Set([0, 1, 2, 3].map(hostIdOfSlot)).size).toBe(4);
}, 60_000);
