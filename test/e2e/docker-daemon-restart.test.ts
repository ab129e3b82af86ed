import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, expect, it } from "vitest";
import { SLEEPER, TEST_IMAGE } from "../../local/test-image.ts";
import { startBerth, type TestBerth } from "../helpers/berth.ts";
import { type PrivateDockerDaemon, startPrivateDockerDaemon } from "../helpers/private-docker-daemon.ts";

let berth: TestBerth;
let daemon: PrivateDockerDaemon;

beforeAll(async () => {
  berth = await startBerth({ agents: 0 });
  daemon = await startPrivateDockerDaemon(berth.deployment, [{ from: berth.docker, reference: TEST_IMAGE }]);
  berth.stack.startAgent({ BERTH_DOCKER_SOCKET: daemon.socket, BERTH_SYNC_SECONDS: "2" });
  const deadline = Date.now() + 30_000;
  while ((await berth.stores.hosts.list()).length === 0 && Date.now() < deadline) await sleep(200);
}, 120_000);
afterAll(async () => {
  await berth?.stop();
  await daemon?.stop();
});

it("a Docker daemon restart (live-restore) keeps containers and their volumes; the agent reconnects and records stay true", async () => {
  const created = await berth.api("POST", "/v1/containers?run=true", {
    body: {
      name: "steady",
      image: TEST_IMAGE,
      command: SLEEPER,
      cpu: 0.1,
      memory: 16,
      mounts: [{ size: 1, destination: "/data" }],
    },
  });
  await berth.waitForContainer(created.body.uuid, (c) => c.status === "Running");
  const write = await berth.api(
    "POST",
    `/v1/containers/steady/execute?run=true&command=${encodeURIComponent("sh -c 'echo kept > /data/f'")}`,
  );
  expect(write.body.exit_code).toBe(0);

  await daemon.restart();

  const inspected = await daemon.docker.getContainer(`berth-${created.body.uuid}`).inspect();
  expect(inspected.State.Running).toBe(true);
  const read = await berth.api(
    "POST",
    `/v1/containers/steady/execute?run=true&command=${encodeURIComponent("cat /data/f")}`,
  );
  expect(read.body.output).toBe("kept\n");

  // The agent follows the restarted daemon's events again: a stop behind Berth's back reaches the record.
  await daemon.docker.getContainer(`berth-${created.body.uuid}`).stop({ t: 1 });
  const deadline = Date.now() + 15_000;
  let record = await berth.stores.containers.get(created.body.uuid);
  while (record?.status !== "Stopped" && Date.now() < deadline) {
    await sleep(100);
    record = await berth.stores.containers.get(created.body.uuid);
  }
  expect(record!.status).toBe("Stopped");

  const another = await berth.api("POST", "/v1/containers?run=true", {
    body: { image: TEST_IMAGE, command: SLEEPER, cpu: 0.1, memory: 16 },
  });
  await berth.waitForContainer(another.body.uuid, (c) => c.status === "Running");
});
