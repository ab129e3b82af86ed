import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { SendMessageCommand } from "@aws-sdk/client-sqs";
import { afterAll, beforeAll, expect, it } from "vitest";
import { SLEEPER, TEST_IMAGE } from "../../local/test-image.ts";
import { readConfig } from "../../shared/config.ts";
import type { HostMessage } from "../../shared/queue/host-messages.ts";
import { sqsClientFor } from "../../shared/store/clients.ts";
import { startBerth, type TestBerth } from "../helpers/berth.ts";

let berth: TestBerth;
beforeAll(async () => {
  berth = await startBerth();
});
afterAll(async () => {
  await berth?.stop();
});

/** SQS delivers at least once: the same work arriving again must change nothing. */
async function redeliver(message: HostMessage): Promise<void> {
  const host = (await berth.stores.hosts.list())[0]!;
  // The same body under a new deduplication id, as SQS redelivers after a lost delete.
  await sqsClientFor(readConfig()).send(
    new SendMessageCommand({
      QueueUrl: host.queue_url,
      MessageBody: JSON.stringify(message),
      MessageGroupId: message.container_uuid,
      MessageDeduplicationId: randomUUID(),
    }),
  );
}

it("a repeated create or delete message neither duplicates a container nor releases a claim twice", async () => {
  const created = await berth.api("POST", "/v1/containers?run=true", {
    body: { name: "once", image: TEST_IMAGE, command: SLEEPER, cpu: 0.2, memory: 16 },
  });
  const uuid = created.body.uuid;
  const requestId = created.headers.get("x-openstack-request-id")!;
  await berth.waitForContainer(uuid, (c) => c.status === "Running");

  await redeliver({ kind: "create", container_uuid: uuid, generation: 1, request_id: requestId, run: true });
  await sleep(1500);
  expect(await berth.dockerContainers()).toHaveLength(1);
  expect((await berth.api("GET", `/v1/containers/${uuid}`)).body).toMatchObject({
    status: "Running",
    task_state: null,
  });
  const [createAction] = await berth.stores.actions.list(uuid);
  expect(createAction!.events.map((event) => event.event)).toEqual(["schedule", "compute__do_container_create"]);

  expect((await berth.api("DELETE", `/v1/containers/${uuid}?stop=true`)).status).toBe(204);
  const deadline = Date.now() + 20_000;
  while ((await berth.stores.containers.get(uuid)) && Date.now() < deadline) await sleep(100);
  const host = (await berth.stores.hosts.list())[0]!;
  expect(host).toMatchObject({ cpu_used_millis: 0, mem_used: 0, total_containers: 0 });

  await redeliver({ kind: "delete", container_uuid: uuid, generation: 2, request_id: "req-delete" });
  await sleep(1500);
  expect(await berth.stores.hosts.get(host.id)).toMatchObject({ cpu_used_millis: 0, mem_used: 0, total_containers: 0 });
  expect(await berth.dockerContainers()).toHaveLength(0);
});
