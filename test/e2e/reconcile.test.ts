import { setTimeout as sleep } from "node:timers/promises";
import { DeleteMessageCommand, ReceiveMessageCommand, type SQSClient } from "@aws-sdk/client-sqs";
import { UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { handler as reconcile } from "../../functions/reconcile/reconcile.ts";
import { readConfig } from "../../shared/config.ts";
import type { HostMessage } from "../../shared/queue/host-messages.ts";
import { auditAccounting } from "../../shared/reconcile/audit-accounting.ts";
import { settleDeadLetter } from "../../shared/reconcile/settle-dead-letter.ts";
import { documentClientFor, sqsClientFor } from "../../shared/store/clients.ts";
import { keys } from "../../shared/store/keys.ts";
import { expectAccountingAgreement } from "../helpers/agreement.ts";
import { startBerth, type TestBerth } from "../helpers/berth.ts";
import { registerSimulatedHosts } from "../helpers/simulated-hosts.ts";

/**
 * The reconcile function, the dead-letter settling and the accounting audit
 * against the emulators, with hosts that have no agent behind them: the test
 * plays the agent (or its absence) by hand.
 */
let berth: TestBerth;
let sqs: SQSClient;
let queueUrl: string;
let hostA: string;
let hostB: string;

beforeAll(async () => {
  berth = await startBerth({
    agents: 0,
    environment: { BERTH_OPERATION_TIMEOUT_SECONDS: "1", BERTH_HOST_DOWN_AFTER_SECONDS: "60" },
  });
  sqs = sqsClientFor(readConfig());
  hostA = (await registerSimulatedHosts(berth.stores.hosts, sqs, { count: 1, prefix: `${berth.deployment}-a` }))[0]!;
  queueUrl = (await berth.stores.hosts.get(hostA!))!.queue_url;
});
afterAll(async () => {
  await berth?.stop();
});

/** Takes every message off a simulated host's queue (host A's by default), as a host would, and returns them. */
async function drainQueue(url = queueUrl): Promise<HostMessage[]> {
  const messages: HostMessage[] = [];
  for (;;) {
    const received = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
    );
    if (!received.Messages?.length) return messages;
    for (const message of received.Messages) {
      messages.push(JSON.parse(message.Body!));
      await sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: message.ReceiptHandle! }));
    }
  }
}

/** Plays the agent finishing a container's work: Running, with a Docker id, settled. */
async function settleAsRunning(uuid: string): Promise<void> {
  const record = (await berth.stores.containers.get(uuid))!;
  expect(
    await berth.stores.containers.recordOutcome(uuid, record.generation, {
      status: "Running",
      container_id: `docker-${uuid}`,
      settled_generation: record.generation,
    }),
  ).toBe(true);
}

async function create(body: Record<string, unknown>): Promise<string> {
  const created = await berth.api("POST", "/v1/containers?run=true", {
    body: { image: "busybox:1", cpu: 0.5, memory: 64, ...body },
  });
  expect(created.status).toBe(202);
  return created.body.uuid;
}

describe("work that stops moving", () => {
  it("is sent to its host again, twice, then failed with a reason, its claims released", async () => {
    const uuid = await create({ name: "stuck" });
    expect(await drainQueue()).toHaveLength(1);

    for (const resend of [1, 2]) {
      await sleep(1_100);
      const report = await reconcile();
      expect(report.overdue).toEqual({ resent: 1, failed: 0, evacuated: 0 });
      const [again] = await drainQueue();
      expect(again).toMatchObject({ kind: "create", container_uuid: uuid, generation: 1, run: true });
      expect((await berth.stores.containers.get(uuid))!.pending_retries).toBe(resend);
    }
    await sleep(1_100);
    expect((await reconcile()).overdue).toEqual({ resent: 0, failed: 1, evacuated: 0 });

    const failed = (await berth.api("GET", `/v1/containers/${uuid}`)).body;
    expect(failed).toMatchObject({ status: "Error", task_state: null, host: null });
    expect(failed.status_reason).toMatch(/^create did not finish: nothing moved for 1 s, through 2 re-sends to host /);
    const actions = (await berth.api("GET", `/v1/containers/${uuid}/container_actions`)).body.containerActions;
    expect(actions[0]).toMatchObject({ action: "create", message: failed.status_reason });
    // The same failure path as a host's own: the event says the claim was given back.
    expect((await berth.stores.actions.get(uuid, actions[0].request_id))!.events.at(-1)!.details).toEqual({
      released_claim_on: hostA,
    });
    await expectAccountingAgreement(berth);
    // Nothing is overdue any more: the next run reads no container.
    expect((await reconcile()).overdue).toEqual({ resent: 0, failed: 0, evacuated: 0 });
  });

  it("a host's late write for work the reconciler failed is dropped", async () => {
    const uuid = await create({ name: "late" });
    const [message] = await drainQueue();
    for (let run = 0; run < 3; run++) {
      await sleep(1_100);
      await reconcile();
    }
    expect((await berth.stores.containers.get(uuid))!.status).toBe("Error");
    expect(await berth.stores.containers.recordOutcome(uuid, message!.generation, { status: "Running" }, message)).toBe(
      false,
    );
    expect((await berth.stores.containers.get(uuid))!.status).toBe("Error");
  });
});

describe("a host that goes down", () => {
  it("has its containers marked Unknown, its auto_heal ones rescheduled, its deletes finished, and a volume's loss reported", async () => {
    const plain = await create({ name: "plain" });
    const healer = await create({ name: "healer", auto_heal: true });
    const withVolume = await create({
      name: "with-volume",
      auto_heal: true,
      mounts: [{ size: 1, destination: "/data" }],
    });
    const doomed = await create({ name: "doomed" });
    for (const uuid of [plain, healer, withVolume, doomed]) await settleAsRunning(uuid);
    expect((await berth.api("DELETE", `/v1/containers/${doomed}?stop=true`)).status).toBe(204);
    await drainQueue();
    // A second host to move to, then the first stops heartbeating.
    hostB = (await registerSimulatedHosts(berth.stores.hosts, sqs, { count: 1, prefix: `${berth.deployment}-b` }))[0]!;
    await berth.stores.hosts.heartbeat(hostA!, Date.now() - 120_000);

    const report = await reconcile();
    expect(report).toMatchObject({ hostsMarkedDown: 1, containers: { rescheduled: 1, marked_unknown: 2, deleted: 1 } });

    const plainView = (await berth.api("GET", "/v1/containers/plain")).body;
    expect(plainView).toMatchObject({ status: "Unknown", task_state: null });
    expect(plainView.status_reason).toMatch(/^host .+ is down \(no heartbeat for 12\d s\)$/);
    const volumeView = (await berth.api("GET", "/v1/containers/with-volume")).body;
    expect(volumeView.status).toBe("Unknown");
    const volumeUuid = (await berth.stores.containers.get(withVolume))!.mounts.find(
      (mount) => mount.type === "volume",
    )!;
    expect(volumeView.status_reason).toContain(
      `not rescheduled: its volumes ${"volume_uuid" in volumeUuid ? volumeUuid.volume_uuid : ""} live only on that host`,
    );
    expect(await berth.stores.containers.get(doomed)).toBeUndefined();

    const moved = (await berth.stores.containers.get(healer))!;
    expect(moved).toMatchObject({ host_id: hostB, status: "Creating", container_id: null, generation: 2 });
    const [create2] = await drainQueue((await berth.stores.hosts.get(hostB))!.queue_url);
    expect(create2).toMatchObject({ kind: "create", container_uuid: healer, generation: 2, run: true });
    const actions = (await berth.api("GET", `/v1/containers/${healer}/container_actions`)).body.containerActions;
    expect(actions[0].action).toBe("reschedule");
    // The new host does its part.
    await settleAsRunning(healer);
    await expectAccountingAgreement(berth);

    // A second run finds nothing more to do, and reads only the hosts.
    const again = await reconcile();
    expect(again).toMatchObject({
      hostsMarkedDown: 0,
      containers: { rescheduled: 0, marked_unknown: 0, deleted: 0 },
      overdue: { resent: 0, failed: 0, evacuated: 0 },
    });
    expect(again.itemsRead).toBe(2);
  });
});

describe("auto_heal of a container an admin placed on a named host", () => {
  it("moves it off that host when it dies, dropping the requested host (as Nova does on evacuation), and the reschedule says so", async () => {
    const [hostC, hostD] = await registerSimulatedHosts(berth.stores.hosts, sqs, {
      count: 2,
      prefix: `${berth.deployment}-cd`,
    });
    const forced = await create({ name: "forced", auto_heal: true, host: hostC });
    expect((await berth.stores.containers.get(forced))!).toMatchObject({ host_id: hostC, requested_host: hostC });
    await settleAsRunning(forced);
    const queueCD = (await berth.stores.hosts.get(hostC!))!.queue_url;
    await drainQueue(queueCD);
    await berth.stores.hosts.heartbeat(hostC!, Date.now() - 120_000);

    const report = await reconcile();
    expect(report.containers.rescheduled).toBe(1);
    const moved = (await berth.stores.containers.get(forced))!;
    expect(moved.host_id).not.toBe(hostC);
    expect([hostB, hostD]).toContain(moved.host_id);
    expect(moved).toMatchObject({ status: "Creating", generation: 2, requested_host: null });
    expect(moved.status_reason).toBe(`rescheduled: host ${hostC} is down; its requested host ${hostC} was dropped`);
    const [reschedule] = (await berth.api("GET", `/v1/containers/${forced}/container_actions`)).body.containerActions;
    expect(reschedule.action).toBe("reschedule");
    const [schedule] = (await berth.stores.actions.get(forced, reschedule.request_id))!.events;
    expect(schedule).toMatchObject({
      event: "schedule",
      result: "Success",
      details: { from_host: hostC, requested_host_dropped: hostC },
    });
    const target = (await berth.stores.hosts.get(moved.host_id!))!;
    const [sent] = (await drainQueue(target.queue_url)).filter((message) => message.container_uuid === forced);
    expect(sent).toMatchObject({ kind: "create", generation: 2, run: true });
    await settleAsRunning(forced);
    await expectAccountingAgreement(berth);
  });
});

describe("dead letters", () => {
  it("leave work that has moved on alone", async () => {
    const record = (await berth.stores.containers.get((await berth.api("GET", "/v1/containers/healer")).body.uuid))!;
    const stale: HostMessage = {
      kind: "stop",
      container_uuid: record.uuid,
      generation: record.generation - 1,
      request_id: "req-old",
    };
    expect(await settleDeadLetter(stale, berth.stores)).toBe("stale");
    expect(
      await settleDeadLetter(
        { kind: "query", query: "logs", container_uuid: record.uuid, request_id: "req-q", params: {}, answer_by: 0 },
        berth.stores,
      ),
    ).toBe("reported");
    expect((await berth.stores.containers.get(record.uuid))!.status).toBe("Running");
  });
});

describe("the accounting audit", () => {
  it("finds nothing to correct when the counters are true, and corrects (and logs) drift when they are not", async () => {
    expect((await auditAccounting(berth.stores, { settleMs: 100 })).corrections).toEqual([]);

    const db = documentClientFor(readConfig());
    const table = readConfig().tableName;
    await db.send(
      new UpdateCommand({
        TableName: table,
        Key: keys.host(hostA!),
        UpdateExpression: "ADD cpu_used_millis :drift",
        ExpressionAttributeValues: { ":drift": 700 },
      }),
    );
    await db.send(
      new UpdateCommand({
        TableName: table,
        Key: keys.quota("demo"),
        UpdateExpression: "ADD used_memory :drift",
        ExpressionAttributeValues: { ":drift": -64 },
      }),
    );

    const lines: string[] = [];
    vi.spyOn(console, "log").mockImplementation((line: string) => void lines.push(line));
    process.env.BERTH_QUIET = "0";
    try {
      const audit = await auditAccounting(berth.stores, { settleMs: 100 });
      expect(audit.corrections.map((correction) => correction.kind).sort()).toEqual(["host", "project"]);
    } finally {
      process.env.BERTH_QUIET = "1";
      vi.restoreAllMocks();
    }
    expect(lines.filter((line) => line.includes('"metric":"berth.accounting.correction"'))).toHaveLength(2);
    await expectAccountingAgreement(berth);
    expect((await auditAccounting(berth.stores, { settleMs: 100 })).corrections).toEqual([]);
  });
});
