import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SLEEPER, TEST_IMAGE } from "../../local/test-image.ts";
import { startBerth, type TestBerth } from "../helpers/berth.ts";

let berth: TestBerth;
beforeAll(async () => {
  berth = await startBerth();
});
afterAll(async () => {
  await berth?.stop();
});

/** Reads the record itself (not GET, which would ask the host): only the agent's own following can change it. */
async function recordUntil(uuid: string, until: (record: any) => boolean, timeoutMs = 10_000): Promise<any> {
  const deadline = Date.now() + timeoutMs;
  let record: any;
  while (Date.now() < deadline) {
    record = await berth.stores.containers.get(uuid);
    if (record && until(record)) return record;
    await sleep(50);
  }
  throw new Error(`record of ${uuid} did not reach the expected state; last: ${JSON.stringify(record)}`);
}

async function run(body: object): Promise<string> {
  const created = await berth.api("POST", "/v1/containers?run=true", {
    body: { image: TEST_IMAGE, cpu: 0.1, memory: 32, ...body },
  });
  expect(created.status).toBe(202);
  return created.body.uuid;
}

describe("the record follows Docker's events", () => {
  it("a process that exits on its own is Stopped with its exit code within a second or two", async () => {
    const uuid = await run({ command: ["sh", "-c", "sleep 1; exit 3"] });
    await recordUntil(uuid, (r) => r.status === "Running");
    const stopped = await recordUntil(uuid, (r) => r.status === "Stopped", 5_000);
    expect(stopped.status_reason).toBe("exited with code 3");
  });

  it("a process killed for memory says so", async () => {
    const uuid = await run({
      memory: 8,
      command: ["sh", "-c", "sleep 1; x=$(head -c 64000000 /dev/zero | tr '\\0' a); sleep 60"],
    });
    const killed = await recordUntil(uuid, (r) => r.status === "Stopped", 15_000);
    expect(killed.status_reason).toBe("exited with code 137 (out of memory)");
  });

  it("a container removed behind Berth's back is Error: No such container", async () => {
    const uuid = await run({ command: SLEEPER });
    await recordUntil(uuid, (r) => r.status === "Running");
    await berth.docker.getContainer(`berth-${uuid}`).remove({ force: true });
    const gone = await recordUntil(uuid, (r) => r.status === "Error");
    expect(gone.status_reason).toBe("No such container");
  });

  it("auto_remove: when the process ends, the container leaves Berth too and its claims are released", async () => {
    const before = (await berth.stores.hosts.list())[0]!;
    const uuid = await run({ command: ["sh", "-c", "sleep 1"], auto_remove: true });
    await recordUntil(uuid, (r) => r.status === "Running");
    const deadline = Date.now() + 10_000;
    while ((await berth.stores.containers.get(uuid)) && Date.now() < deadline) await sleep(100);
    expect(await berth.stores.containers.get(uuid)).toBeUndefined();
    const after = (await berth.stores.hosts.get(before.id))!;
    expect(after.cpu_used_millis).toBe(before.cpu_used_millis);
    expect((await berth.stores.quotas.getProject("demo")).usage.containers).toBe(
      (await berth.stores.containers.listByHost(before.id)).length,
    );
  });

  it("auto_heal: a container whose Docker container vanished is rebuilt and running again", async () => {
    const uuid = await run({ command: SLEEPER, auto_heal: true });
    const running = await recordUntil(uuid, (r) => r.status === "Running" && r.settled_generation === r.generation);
    await berth.docker.getContainer(`berth-${uuid}`).remove({ force: true });
    const healed = await recordUntil(
      uuid,
      (r) => r.status === "Running" && r.container_id !== running.container_id && r.settled_generation === r.generation,
      15_000,
    );
    expect((await berth.docker.getContainer(`berth-${uuid}`).inspect()).State.Running).toBe(true);
    const actions = (await berth.api("GET", `/v1/containers/${uuid}/container_actions`)).body.containerActions;
    expect(actions[0]).toMatchObject({ action: "rebuild", user_id: "berth-agent" });
    expect(healed.container_id).toBeTruthy();
  });

  it("Docker's restart policy restarts a failing container, and the restart count is shown", async () => {
    const uuid = await run({
      command: ["sh", "-c", "sleep 0.3; exit 1"],
      restart_policy: { Name: "on-failure", MaximumRetryCount: 2 },
    });
    const done = await recordUntil(uuid, (r) => r.restart_count === 2 && r.status === "Stopped", 20_000);
    expect(done.status_reason).toBe("exited with code 1");
    expect((await berth.api("GET", `/v1/containers/${uuid}`)).body.restart_count).toBe(2);
  });
});

describe("recovery at the agent's start", () => {
  it("a container the record says is Running, stopped while the agent was away, is started again", async () => {
    const uuid = await run({ command: SLEEPER, name: "should-run" });
    await recordUntil(uuid, (r) => r.status === "Running" && r.settled_generation === r.generation);
    const agent = berth.stack.agents[0]!;
    agent.kill("SIGKILL");
    await new Promise((resolve) => agent.once("exit", resolve));
    await berth.docker.getContainer(`berth-${uuid}`).stop({ t: 1 });
    berth.stack.startAgent();
    const deadline = Date.now() + 20_000;
    while (!(await berth.docker.getContainer(`berth-${uuid}`).inspect()).State.Running && Date.now() < deadline)
      await sleep(200);
    expect((await berth.docker.getContainer(`berth-${uuid}`).inspect()).State.Running).toBe(true);
    expect((await berth.stores.containers.get(uuid))!.status).toBe("Running");
  });
});
