import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SLEEPER, TEST_IMAGE } from "../../local/test-image.ts";
import { expectAgreement } from "../helpers/agreement.ts";
import { useFaultStack } from "../helpers/fault-stack.ts";
import { type PrivateDockerDaemon, startPrivateDockerDaemon } from "../helpers/private-docker-daemon.ts";

/** One fault at a time, until records, Docker and usage agree again (see test/helpers/fault-stack.ts). */
const faults = useFaultStack();

describe("a host that stops heartbeating, then returns; a Docker daemon restart", () => {
  let daemonB: PrivateDockerDaemon;
  let hostB: string;
  const dockerOf = (hostId: string) => (hostId === hostB ? daemonB.docker : faults.berth.docker);

  beforeAll(async () => {
    daemonB = await startPrivateDockerDaemon(`${faults.berth.deployment}b`, [
      { from: faults.berth.docker, reference: TEST_IMAGE },
    ]);
  }, 120_000);
  afterAll(async () => {
    await daemonB?.stop();
  });

  it("its containers become Unknown, auto_heal ones are rescheduled; when it returns, the moved copies are removed and the rest is true again", async () => {
    const healer = await faults.berth.api("POST", "/v1/containers?run=true", {
      body: { name: "healer", image: TEST_IMAGE, command: SLEEPER, cpu: 0.1, memory: 16, auto_heal: true },
    });
    const plain = await faults.berth.api("POST", "/v1/containers?run=true", {
      body: { name: "plain", image: TEST_IMAGE, command: SLEEPER, cpu: 0.1, memory: 16 },
    });
    const remover = await faults.berth.api("POST", "/v1/containers?run=true", {
      body: {
        name: "healer-remover",
        image: TEST_IMAGE,
        command: SLEEPER,
        cpu: 0.1,
        memory: 16,
        auto_heal: true,
        auto_remove: true,
      },
    });
    await faults.berth.waitForContainer(healer.body.uuid, (c) => c.status === "Running" && c.task_state === null);
    await faults.berth.waitForContainer(remover.body.uuid, (c) => c.status === "Running" && c.task_state === null);
    await faults.berth.waitForContainer(plain.body.uuid, (c) => c.status === "Running" && c.task_state === null);
    // A second host, for the healer to move to. Its daemon shares the main daemon's ID (one machine):
    // the agent's identity is its own, from its state folder.
    faults.berth.stack.startAgent({ BERTH_DOCKER_SOCKET: daemonB.socket });
    const deadline = Date.now() + 30_000;
    while ((await faults.berth.stores.hosts.list()).length < 2 && Date.now() < deadline) await sleep(200);
    hostB = (await faults.berth.stores.hosts.list()).find((host) => host.id !== faults.hostA)!.id;

    faults.agentA.kill("SIGSTOP");
    const since = Date.now();
    const downSeconds = await faults.reconcileUntil(async () => {
      const moved = await faults.berth.stores.containers.get(healer.body.uuid);
      const movedRemover = await faults.berth.stores.containers.get(remover.body.uuid);
      return (
        moved?.host_id === hostB &&
        (await faults.statusOf(healer.body.uuid)) === "Running" &&
        movedRemover?.host_id === hostB &&
        (await faults.statusOf(remover.body.uuid)) === "Running" &&
        (await faults.statusOf(plain.body.uuid)) === "Unknown"
      );
    }, since);
    faults.convergence.push({
      fault: "host stops heartbeating (SIGSTOP): Unknown and rescheduled",
      seconds: downSeconds,
    });
    const unknown = (await faults.berth.api("GET", "/v1/containers/plain")).body;
    expect(unknown.status_reason).toMatch(/^host .+ is down \(no heartbeat for \d+ s\)$/);
    // For a while the frozen host still has its copy: the records say which one is real.
    expect(
      (await faults.berth.dockerContainers()).filter((c) => c.Labels["berth.uuid"] === healer.body.uuid),
    ).toHaveLength(1);
    const onB = await Promise.all(
      [healer, remover].map(async (created) => (await faults.berth.stores.containers.get(created.body.uuid))!),
    );

    faults.agentA.kill("SIGCONT");
    const returned = Date.now();
    const upSeconds = await faults.reconcileUntil(async () => {
      const stale = (await faults.berth.dockerContainers()).filter(
        (c) => c.Labels["berth.uuid"] === healer.body.uuid || c.Labels["berth.uuid"] === remover.body.uuid,
      );
      return (
        stale.length === 0 &&
        (await faults.statusOf(plain.body.uuid)) === "Running" &&
        (await faults.berth.stores.hosts.get(faults.hostA))!.state === "up"
      );
    }, returned);
    faults.convergence.push({ fault: "host returns: moved copy removed, Unknown made true", seconds: upSeconds });
    // The returning host never touches the copies placed elsewhere: a few sync periods on, each still runs
    // on host B as it did (not rebuilt, its record intact), exactly once.
    await sleep(3 * 2000);
    for (const moved of onB) {
      const now = await faults.berth.stores.containers.get(moved.uuid);
      expect(
        { host_id: now?.host_id, container_id: now?.container_id, generation: now?.generation },
        `${moved.name} on host B`,
      ).toEqual({
        host_id: hostB,
        container_id: moved.container_id,
        generation: moved.generation,
      });
      expect(await faults.statusOf(moved.uuid)).toBe("Running");
      const copies = await daemonB.docker.listContainers({
        all: true,
        filters: { label: [`berth.uuid=${moved.uuid}`] },
      });
      expect(
        copies.map((copy) => [copy.Id, copy.State]),
        `${moved.name}'s copies on host B`,
      ).toEqual([[moved.container_id, "running"]]);
      expect(
        await faults.berth.dockerContainers().then((all) => all.filter((c) => c.Labels["berth.uuid"] === moved.uuid)),
        `${moved.name}'s copies on host A`,
      ).toEqual([]);
    }
    await expectAgreement(faults.berth, dockerOf);
    // The cases after this one start from the healer and the plain container alone.
    expect((await faults.berth.api("DELETE", `/v1/containers/${remover.body.uuid}?stop=true`)).status).toBe(204);
    await faults.berth.waitForGone(remover.body.uuid);
    await expectAgreement(faults.berth, dockerOf);
  });

  it("a host that reboots (agent gone, Docker's containers stopped) runs again, once back, what was running when it went down", async () => {
    const runningOnA = (await faults.berth.stores.containers.listByHost(faults.hostA)).filter(
      (container) => container.status === "Running",
    );
    expect(runningOnA.length).toBeGreaterThan(0);
    const statuses = () => Promise.all(runningOnA.map((container) => faults.statusOf(container.uuid)));
    faults.agentA.kill("SIGKILL");
    await faults.exited(faults.agentA);
    await Promise.all(
      runningOnA.map((container) => faults.berth.docker.getContainer(container.container_id!).stop({ t: 1 })),
    );
    const since = Date.now();
    await faults.reconcileUntil(async () => (await statuses()).every((status) => status === "Unknown"), since);
    faults.agentA = await faults.startAgentA();
    const seconds = await faults.reconcileUntil(
      async () =>
        (await statuses()).every((status) => status === "Running") &&
        (await faults.berth.stores.hosts.get(faults.hostA))!.state === "up",
      since,
    );
    faults.convergence.push({
      fault: `host reboots: ${runningOnA.length} containers Unknown, then running again`,
      seconds,
    });
    await expectAgreement(faults.berth, dockerOf);
  });

  it("a Docker daemon restart leaves containers and records true", async () => {
    const onB = (await faults.berth.stores.containers.get(
      (
        await faults.berth.api("GET", "/v1/containers/healer")
      ).body.uuid,
    ))!;
    expect(onB.host_id).toBe(hostB);
    const since = Date.now();
    await daemonB.restart();
    const seconds = await faults.reconcileUntil(
      async () =>
        (await faults.statusOf(onB.uuid)) === "Running" &&
        (await daemonB.docker.getContainer(onB.container_id!).inspect()).State.Running,
      since,
    );
    faults.convergence.push({ fault: "Docker daemon restarted", seconds });
    await expectAgreement(faults.berth, dockerOf);
  });
});
