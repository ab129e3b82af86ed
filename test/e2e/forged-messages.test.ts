import { SendMessageCommand } from "@aws-sdk/client-sqs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SLEEPER, TEST_IMAGE } from "../../local/test-image.ts";
import { readConfig } from "../../shared/config.ts";
import { sendToHost } from "../../shared/queue/host-messages.ts";
import { sqsClientFor } from "../../shared/store/clients.ts";
import { startBerth, type TestBerth } from "../helpers/berth.ts";

/**
 * Someone who can write to a host's queue but not to Berth's table (another
 * host, a leaked queue URL) sends work nobody asked for: the agent does none of it.
 */
let berth: TestBerth;
let target: any;
let queueUrl: string;
beforeAll(async () => {
  berth = await startBerth();
  const created = await berth.api("POST", "/v1/containers?run=true", {
    body: { name: "target", image: TEST_IMAGE, command: SLEEPER, cpu: 0.1, memory: 16 },
  });
  target = await berth.waitForContainer(created.body.uuid, (c) => c.status === "Running");
  queueUrl = (await berth.stores.hosts.list())[0]!.queue_url;
});
afterAll(async () => {
  await berth?.stop();
});

const forge = (message: Record<string, unknown>) => sendToHost(sqsClientFor(readConfig()), queueUrl, message as never);
const settle = () => new Promise((resolve) => setTimeout(resolve, 3000));

describe("forged host messages", () => {
  it("a forged execute runs nothing and is answered with nothing", async () => {
    const requestId = "req-forged-exec";
    await forge({
      kind: "query",
      query: "execute",
      container_uuid: target.uuid,
      request_id: requestId,
      params: { command: ["touch", "/forged"] },
      answer_by: Date.now() + 20_000,
    });
    await settle();
    const look = await berth.api("POST", "/v1/containers/target/execute?run=true", { body: { command: "ls /forged" } });
    expect(look.body.exit_code, look.body.output).not.toBe(0);
    const reply = await berth.stores.replies.get(requestId);
    expect(reply === undefined || reply.ok === false).toBe(true);
  });

  it("a forged delete sent beside a real request, with its generation, deletes nothing", async () => {
    // The agent is away while a real stop is accepted, so the forgery can be first in line when it returns.
    const agent = berth.stack.agents[0]!;
    agent.kill("SIGKILL");
    await new Promise((resolve) => agent.once("exit", resolve));
    // Past the dead agent's last long poll (2 s), which the queue could still answer with the stop.
    await new Promise((resolve) => setTimeout(resolve, 3000));
    expect((await berth.api("POST", "/v1/containers/target/stop?timeout=1")).status).toBe(202);
    const record = (await berth.stores.containers.get(target.uuid))!;
    await sqsClientFor(readConfig()).send(
      new SendMessageCommand({
        QueueUrl: queueUrl,
        MessageGroupId: "forged",
        MessageDeduplicationId: "forged-delete",
        MessageBody: JSON.stringify({
          kind: "delete",
          container_uuid: target.uuid,
          generation: record.generation,
          request_id: "req-forged-delete",
          stop: true,
        }),
      }),
    );
    berth.stack.startAgent();
    const stopped = await berth.waitForContainer("target", (c) => c.status === "Stopped" && !c.task_state, 30_000);
    await settle();
    expect((await berth.stores.containers.get(target.uuid))?.status).toBe("Stopped");
    expect((await berth.docker.getContainer(`berth-${stopped.uuid}`).inspect()).State.Running).toBe(false);
  });
});
