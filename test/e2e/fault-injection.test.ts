import { setTimeout as sleep } from "node:timers/promises";
import { ReceiveMessageCommand, type SQSClient } from "@aws-sdk/client-sqs";
import { describe, expect, it } from "vitest";
import type { CrashPoint } from "../../agents/host-agent/crash-points.ts";
import { SLEEPER, TEST_IMAGE } from "../../local/test-image.ts";
import { readConfig } from "../../shared/config.ts";
import { createContainer } from "../../shared/containers/create-container.ts";
import { validateCreateBody } from "../../shared/containers/validate-create.ts";
import { sendToHost } from "../../shared/queue/host-messages.ts";
import { sqsClientFor } from "../../shared/store/clients.ts";
import { expectAgreement } from "../helpers/agreement.ts";
import { useFaultStack } from "../helpers/fault-stack.ts";

/** One fault at a time, until records, Docker and usage agree again (see test/helpers/fault-stack.ts). */
const faults = useFaultStack();

describe("agent SIGKILL at each step", () => {
  const createSteps: CrashPoint[] = ["create:image_ready", "create:docker_created", "create:docker_started"];
  for (const point of createSteps) {
    it(`of a create (${point}): the container ends Running exactly once`, async () => {
      await faults.replaceAgentA({ BERTH_AGENT_CRASH_AT: point });
      const since = Date.now();
      const created = await faults.berth.api("POST", "/v1/containers?run=true", {
        body: { image: TEST_IMAGE, command: SLEEPER, cpu: 0.1, memory: 16, exposed_ports: { "80/tcp": {} } },
      });
      expect(created.status).toBe(202);
      await faults.exited(faults.agentA);
      expect(faults.agentA.signalCode).toBe("SIGKILL");
      faults.agentA = await faults.startAgentA();
      faults.convergence.push({
        fault: `agent SIGKILL at ${point}`,
        seconds: await faults.reconcileUntil(
          async () => (await faults.statusOf(created.body.uuid)) === "Running",
          since,
        ),
      });
      await expectAgreement(faults.berth);
    });
  }

  const deleteSteps: CrashPoint[] = ["delete:docker_stopped", "delete:docker_removed"];
  for (const point of deleteSteps) {
    it(`of a delete (${point}): the container is gone from Docker and the records, its claims released once`, async () => {
      const created = await faults.berth.api("POST", "/v1/containers?run=true", {
        body: { image: TEST_IMAGE, command: SLEEPER, cpu: 0.1, memory: 16 },
      });
      await faults.berth.waitForContainer(created.body.uuid, (c) => c.status === "Running" && c.task_state === null);
      await faults.replaceAgentA({ BERTH_AGENT_CRASH_AT: point });
      const since = Date.now();
      expect((await faults.berth.api("DELETE", `/v1/containers/${created.body.uuid}?stop=true`)).status).toBe(204);
      await faults.exited(faults.agentA);
      expect(faults.agentA.signalCode).toBe("SIGKILL");
      faults.agentA = await faults.startAgentA();
      faults.convergence.push({
        fault: `agent SIGKILL at ${point}`,
        seconds: await faults.reconcileUntil(
          async () => !(await faults.berth.stores.containers.get(created.body.uuid)),
          since,
        ),
      });
      await expectAgreement(faults.berth);
    });
  }
});

it("a function that stops between its transaction and its enqueue: the reconciler sends the work, and the container runs", async () => {
  const config = readConfig();
  const lostSend = {
    send: async () => Promise.reject(new Error("the function stopped before its enqueue")),
  } as unknown as SQSClient;
  const spec = validateCreateBody(
    { image: TEST_IMAGE, command: SLEEPER, cpu: 0.1, memory: 16 },
    { caller: { projectId: "demo", userId: "member", roles: ["member"] } },
  );
  const since = Date.now();
  const caller = { projectId: "demo", userId: "member", roles: ["member"] };
  const requestId = `req-crash-${since}`;
  await expect(
    createContainer(
      { spec, run: true, idempotencyKey: undefined, fingerprintOf: {} },
      { caller, requestId, config },
      faults.berth.stores,
      lostSend,
    ),
  ).rejects.toThrow("enqueue");
  const [record] = (await faults.berth.stores.containers.listAll()).filter(
    (container) => container.status === "Creating" && container.pending_message?.request_id === requestId,
  );
  expect(record).toBeDefined();
  faults.convergence.push({
    fault: "function crash between transaction and enqueue",
    seconds: await faults.reconcileUntil(async () => (await faults.statusOf(record!.uuid)) === "Running", since),
  });
  await expectAgreement(faults.berth);
});

it("a message delivered twice changes nothing the second time", async () => {
  const created = await faults.berth.api("POST", "/v1/containers?run=true", {
    body: { image: TEST_IMAGE, command: SLEEPER, cpu: 0.1, memory: 16 },
  });
  const running = await faults.berth.waitForContainer(
    created.body.uuid,
    (c) => c.status === "Running" && c.task_state === null,
  );
  expect((await faults.berth.api("POST", `/v1/containers/${running.uuid}/stop?timeout=1`)).status).toBe(202);
  await faults.berth.waitForContainer(running.uuid, (c) => c.status === "Stopped" && c.task_state === null);
  const before = (await faults.berth.stores.containers.get(running.uuid))!;
  const queue = (await faults.berth.stores.hosts.get(faults.hostA))!.queue_url;
  const since = Date.now();
  const sqs = sqsClientFor(readConfig());
  await sendToHost(
    sqs,
    queue,
    { kind: "create", container_uuid: before.uuid, generation: 1, request_id: "req-again", run: true },
    { resend: 1 },
  );
  await sendToHost(
    sqs,
    queue,
    { kind: "stop", container_uuid: before.uuid, generation: before.generation, request_id: "req-again", timeout: 1 },
    { resend: 1 },
  );
  await sleep(3000);
  const after = (await faults.berth.stores.containers.get(before.uuid))!;
  expect({ status: after.status, generation: after.generation, container_id: after.container_id }).toEqual({
    status: "Stopped",
    generation: before.generation,
    container_id: before.container_id,
  });
  faults.convergence.push({ fault: "message delivered twice", seconds: (Date.now() - since) / 1000 });
  await expectAgreement(faults.berth);
});

it("a message dead-lettered: its container is marked Error with the reason and its claims are released", async () => {
  // The host's agent is gone (its heartbeat still fresh), so its create waits in its queue…
  faults.agentA.kill("SIGKILL");
  await faults.exited(faults.agentA);
  const since = Date.now();
  const created = await faults.berth.api("POST", "/v1/containers?run=true", {
    body: { image: TEST_IMAGE, command: SLEEPER, cpu: 0.1, memory: 16 },
  });
  expect(created.body.host).not.toBeNull();
  // …where a consumer that fails on every delivery receives it until SQS moves it to the dead-letter queue.
  const sqs = sqsClientFor(readConfig());
  const queue = (await faults.berth.stores.hosts.get(faults.hostA))!.queue_url;
  // (The killed agent's last long poll may have taken it first: it comes back after the visibility timeout.)
  let deliveries = 0;
  const redriveBy = Date.now() + 20_000;
  while (deliveries <= 5 && Date.now() < redriveBy) {
    const received = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queue,
        VisibilityTimeout: 0,
        WaitTimeSeconds: 1,
        MessageSystemAttributeNames: ["ApproximateReceiveCount"],
      }),
    );
    const count = Number(received.Messages?.[0]?.Attributes?.ApproximateReceiveCount ?? 0);
    if (count > 0) deliveries = count;
    else if (deliveries === 5) break; // the receive after the fifth moved it to the dead-letter queue
  }
  expect(deliveries).toBe(5);
  // The dead-letter consumer alone settles it (no reconcile runs: the host would soon be found down).
  const deadline = Date.now() + 20_000;
  while ((await faults.statusOf(created.body.uuid)) !== "Error") {
    if (Date.now() > deadline) throw new Error("the dead letter was not consumed");
    await sleep(200);
  }
  faults.convergence.push({ fault: "message dead-lettered", seconds: (Date.now() - since) / 1000 });
  const failed = (await faults.berth.api("GET", `/v1/containers/${created.body.uuid}`)).body;
  expect(failed.status_reason).toBe("create was dead-lettered: the host could not complete it on any delivery");
  expect(failed.host).toBeNull();
  faults.agentA = await faults.startAgentA();
  await expectAgreement(faults.berth);
});
