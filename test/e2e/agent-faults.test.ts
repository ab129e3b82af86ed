import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SLEEPER, TEST_IMAGE } from "../../local/test-image.ts";
import { startBerth, type TestBerth } from "../helpers/berth.ts";

let berth: TestBerth;
beforeAll(async () => {
  // A short visibility timeout, so work a killed agent had in hand comes back within seconds.
  berth = await startBerth({ environment: { BERTH_VISIBILITY_SECONDS: "3" } });
});
afterAll(async () => {
  await berth?.stop();
});

function exited(child: {
  once: (event: "exit", listener: () => void) => void;
  exitCode: number | null;
  signalCode: string | null;
}): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once("exit", resolve));
}

describe("the agent under faults", () => {
  it("SIGKILL in the middle of a create, then a restart: the container ends Running exactly once, with no orphan", async () => {
    const created = await berth.api("POST", "/v1/containers?run=true", {
      body: { name: "survivor", image: TEST_IMAGE, command: SLEEPER, cpu: 0.1, memory: 16 },
    });
    const uuid = created.body.uuid;
    const agent = berth.stack.agents.at(-1)!;
    // Kill as soon as the agent is seen working on it.
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline && !(await berth.stores.containers.get(uuid))?.task_state) await sleep(5);
    const interrupted = (await berth.stores.containers.get(uuid))!;
    agent.kill("SIGKILL");
    await exited(agent);
    expect(interrupted.task_state).not.toBeNull();

    berth.stack.startAgent();
    const running = await berth.waitForContainer(uuid, (c) => c.status === "Running" && c.task_state === null, 30_000);
    expect(running.uuid).toBe(uuid);
    const owned = await berth.dockerContainers();
    expect(owned.filter((c) => c.Labels["berth.uuid"] === uuid)).toHaveLength(1);
    const [host] = await berth.stores.hosts.list();
    expect(host!.total_containers).toBe(1);
  });

  it("SIGTERM finishes the operation in flight before exiting; work sent while it is away is done when it returns", async () => {
    const agent = berth.stack.agents.at(-1)!;
    // The sleeper takes up to a second to act on SIGTERM: the stop is still in flight when the agent is told to go.
    expect((await berth.api("POST", "/v1/containers/survivor/stop?timeout=5")).status).toBe(202);
    await sleep(100);
    agent.kill("SIGTERM");
    await exited(agent);
    expect(agent.exitCode).toBe(0);
    const stopped = (await berth.api("GET", "/v1/containers/survivor")).body;
    expect(stopped).toMatchObject({ status: "Stopped", task_state: null });

    expect((await berth.api("POST", "/v1/containers/survivor/start")).status).toBe(202);
    await sleep(500);
    expect((await berth.stores.containers.get(stopped.uuid))!.task_state).toBe("container_starting");
    berth.stack.startAgent();
    await berth.waitForContainer("survivor", (c) => c.status === "Running" && c.task_state === null, 20_000);
  });

  it("an out-of-order message for an older generation changes nothing", async () => {
    const record = (await berth.stores.containers.get((await berth.api("GET", "/v1/containers/survivor")).body.uuid))!;
    const { SendMessageCommand } = await import("@aws-sdk/client-sqs");
    const { sqsClientFor } = await import("../../shared/store/clients.ts");
    const { readConfig } = await import("../../shared/config.ts");
    const [host] = await berth.stores.hosts.list();
    await sqsClientFor(readConfig()).send(
      new SendMessageCommand({
        QueueUrl: host!.queue_url,
        MessageBody: JSON.stringify({
          kind: "stop",
          container_uuid: record.uuid,
          generation: record.generation - 1,
          request_id: "req-late",
          timeout: 0,
        }),
        MessageGroupId: record.uuid,
        MessageDeduplicationId: "req-late-stop",
      }),
    );
    await sleep(1500);
    expect((await berth.docker.getContainer(`berth-${record.uuid}`).inspect()).State.Running).toBe(true);
    expect((await berth.stores.containers.get(record.uuid))!).toMatchObject({
      status: "Running",
      generation: record.generation,
    });
  });
});
