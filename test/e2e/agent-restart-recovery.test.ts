import type { ChildProcess } from "node:child_process";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SLEEPER, TEST_IMAGE } from "../../local/test-image.ts";
import { expectAgreement } from "../helpers/agreement.ts";
import { startBerth, type TestBerth } from "../helpers/berth.ts";

/**
 * An agent killed mid-burst and restarted picks up the work it held at once,
 * not after the queue's visibility timeout (which stays at its default here).
 */
let berth: TestBerth;
beforeAll(async () => {
  berth = await startBerth({ agents: 0 });
});
afterAll(async () => {
  await berth?.stop();
});

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once("exit", () => resolve()));
}

const BURST = 10;
const WITHIN_MS = 10_000;

describe("an agent SIGKILLed during a burst of creates, then restarted", () => {
  it(`has every record Running within ${WITHIN_MS / 1000} s of its restart`, async () => {
    // The agent kills itself when the first of the burst has started in Docker: the others are in its hands.
    const agent = berth.stack.startAgent({ BERTH_AGENT_CRASH_AT: "create:docker_started" });
    const registeredBy = Date.now() + 30_000;
    while ((await berth.stores.hosts.list()).length === 0) {
      if (Date.now() > registeredBy) throw new Error("the agent did not register");
      await sleep(100);
    }
    const created = await Promise.all(
      Array.from({ length: BURST }, (_, index) =>
        berth.api("POST", "/v1/containers?run=true", {
          body: { name: `burst-${index}`, image: TEST_IMAGE, command: SLEEPER, cpu: 0.1, memory: 16 },
        }),
      ),
    );
    expect(created.map((response) => response.status)).toEqual(Array(BURST).fill(202));
    await exited(agent);
    expect(agent.signalCode).toBe("SIGKILL");
    const uuids = created.map((response) => response.body.uuid as string);
    const interrupted = await Promise.all(uuids.map((uuid) => berth.stores.containers.get(uuid)));
    expect(interrupted.filter((record) => record!.status !== "Running").length).toBeGreaterThan(0);

    const restartedAt = Date.now();
    berth.stack.startAgent();
    // One query a poll, gently: the agent is starting on the same cores.
    let running = 0;
    let registeredAfter: number | undefined;
    while (Date.now() - restartedAt < 90_000) {
      const records = (await berth.stores.containers.listAll()).filter((record) => uuids.includes(record.uuid));
      running = records.filter((record) => record.status === "Running" && record.task_state === null).length;
      if (running === BURST) break;
      if (
        registeredAfter === undefined &&
        (await berth.stores.hosts.list()).some((host) => host.heartbeat_at >= restartedAt)
      )
        registeredAfter = Date.now() - restartedAt;
      await sleep(200);
    }
    const seconds = (Date.now() - restartedAt) / 1000;
    console.log(
      `agent restart recovery: ${running} of ${BURST} records Running ${seconds.toFixed(1)} s after the agent's restart ` +
        `(its process up and registered after ${registeredAfter === undefined ? "?" : (registeredAfter / 1000).toFixed(1)} s; default visibility timeout)`,
    );
    expect(running).toBe(BURST);
    expect(seconds * 1000).toBeLessThan(WITHIN_MS);
    await expectAgreement(berth);
  }, 150_000);
});
