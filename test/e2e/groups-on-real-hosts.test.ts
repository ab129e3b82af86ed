import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SLEEPER, TEST_IMAGE } from "../../local/test-image.ts";
import { startBerth, type TestBerth } from "../helpers/berth.ts";
import { type PrivateDockerDaemon, startPrivateDockerDaemon } from "../helpers/private-docker-daemon.ts";

/** Server groups' hard policies under concurrency on four real hosts: the machine's Docker and three private daemons. */
let berth: TestBerth;
const daemons = new Map<string, PrivateDockerDaemon>();
let hostIds: string[] = [];

beforeAll(async () => {
  berth = await startBerth();
  const first = (await berth.stores.hosts.list())[0]!.id;
  const started = await Promise.all(
    ["b", "c", "d"].map((suffix) =>
      startPrivateDockerDaemon(`${berth.deployment}${suffix}`, [{ from: berth.docker, reference: TEST_IMAGE }]),
    ),
  );
  for (const daemon of started) {
    const before = new Set((await berth.stores.hosts.list()).map((host) => host.id));
    berth.stack.startAgent({ BERTH_DOCKER_SOCKET: daemon.socket });
    const deadline = Date.now() + 30_000;
    for (;;) {
      const joined = (await berth.stores.hosts.list()).find((host) => !before.has(host.id));
      if (joined) {
        daemons.set(joined.id, daemon);
        break;
      }
      if (Date.now() > deadline) throw new Error("a host agent did not register within 30 s");
      await sleep(200);
    }
  }
  hostIds = [first, ...daemons.keys()];
  const unlimited = { containers: -1, cpu: -1, memory: -1, disk: -1 };
  expect((await berth.api("PUT", "/v1/quotas/demo", { body: unlimited })).status).toBe(200);
}, 240_000);

afterAll(async () => {
  await berth?.stop();
  await Promise.all([...daemons.values()].map((daemon) => daemon.stop()));
});

/** Whether the container runs in its own host's Docker (the machine's, or that host's private daemon). */
async function runsOnItsHost(uuid: string): Promise<boolean> {
  const record = (await berth.stores.containers.get(uuid))!;
  const docker = daemons.get(record.host_id!)?.docker ?? berth.docker;
  return (await docker.getContainer(record.container_id!).inspect()).State.Running;
}

async function createAtOnce(count: number, prefix: string, group: string) {
  const responses = await Promise.all(
    Array.from({ length: count }, (_, index) =>
      berth.api("POST", "/v1/containers?run=true", {
        body: {
          name: `${prefix}-${index}`,
          image: TEST_IMAGE,
          command: SLEEPER,
          cpu: 0.1,
          memory: 16,
          disk: 1,
          hints: { group },
        },
      }),
    ),
  );
  for (const response of responses) expect(response.status, JSON.stringify(response.body)).toBe(202);
  return responses.map((response) => response.body.uuid as string);
}

async function deleteAll(uuids: string[]) {
  for (const uuid of uuids) expect((await berth.api("DELETE", `/v1/containers/${uuid}?force=true`)).status).toBe(204);
  for (const uuid of uuids) await berth.waitForGone(uuid, 60_000);
}

describe("server groups on real hosts", () => {
  it("20 concurrent creates in an anti-affinity group: 4 run, one on each host, 16 Error naming the policy", async () => {
    const made = await berth.api("POST", "/v1/server_groups", {
      body: { server_group: { name: "web", policy: "anti-affinity" } },
    });
    expect(made.status).toBe(200);
    const uuids = await createAtOnce(20, "web", "web");
    const settled = await Promise.all(
      uuids.map((uuid) =>
        berth.waitForContainer(
          uuid,
          (c) => (c.status === "Running" && c.task_state === null) || c.status === "Error",
          60_000,
        ),
      ),
    );
    const running = settled.filter((c) => c.status === "Running");
    const refused = settled.filter((c) => c.status === "Error");
    expect(running).toHaveLength(4);
    const hostsUsed = await Promise.all(running.map(async (c) => (await berth.stores.containers.get(c.uuid))!.host_id));
    expect(new Set(hostsUsed)).toEqual(new Set(hostIds));
    for (const c of running) expect(await runsOnItsHost(c.uuid)).toBe(true);
    expect(refused).toHaveLength(16);
    for (const c of refused) expect(c.status_reason).toMatch(/^No valid host was found: .*group web \(anti-affinity\)/);
    await deleteAll(uuids);
  });

  it("an affinity group created all at once lands, and runs, on one host", async () => {
    const made = await berth.api("POST", "/v1/server_groups", {
      body: { server_group: { name: "pack", policy: "affinity" } },
    });
    expect(made.status).toBe(200);
    const uuids = await createAtOnce(6, "pack", "pack");
    await Promise.all(
      uuids.map((uuid) => berth.waitForContainer(uuid, (c) => c.status === "Running" && c.task_state === null, 60_000)),
    );
    const hostsUsed = await Promise.all(uuids.map(async (uuid) => (await berth.stores.containers.get(uuid))!.host_id));
    expect(new Set(hostsUsed).size).toBe(1);
    for (const uuid of uuids) expect(await runsOnItsHost(uuid)).toBe(true);
    await deleteAll(uuids);
  });
});
