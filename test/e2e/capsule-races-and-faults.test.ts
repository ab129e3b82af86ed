import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TEST_IMAGE } from "../../local/test-image.ts";
import { usageOf } from "../../shared/quotas/limits.ts";
import { QuotaGuard } from "../../shared/quotas/quota-guard.ts";
import { settleDeadLetter } from "../../shared/reconcile/settle-dead-letter.ts";
import type { TestBerth } from "../helpers/berth.ts";
import {
  ADMIN,
  ALICE,
  capsuleTools,
  startCapsuleBerth,
  stopCapsuleBerth,
  webCapsule,
} from "../helpers/capsule-berth.ts";

let berth: TestBerth;
beforeAll(async () => {
  berth = await startCapsuleBerth();
});
afterAll(() => stopCapsuleBerth(berth));
const { waitForCapsule, waitForCapsuleGone, partsOf, volumesOf, hostUsage, quotaInUse } = capsuleTools(() => berth);

describe("capsules racing, failing and overtaken", () => {
  let usageBefore: Awaited<ReturnType<typeof hostUsage>>;
  let quotaBefore: Awaited<ReturnType<typeof quotaInUse>>;
  beforeAll(async () => {
    usageBefore = await hostUsage();
    quotaBefore = await quotaInUse();
  });

  it("its status follows its containers in Docker: one that exits is Stopped with its code, and with none running the capsule is Stopped", async () => {
    const created = await berth.api("POST", "/v1/capsules", {
      token: ALICE,
      body: {
        template: {
          kind: "capsule",
          metadata: { name: "brief" },
          spec: {
            restartPolicy: "Never",
            containers: [
              { name: "short", image: TEST_IMAGE, command: ["sh", "-c", "sleep 1; exit 4"] },
              {
                name: "long",
                image: TEST_IMAGE,
                command: ["sh", "-c", "trap 'exit 0' TERM; while true; do sleep 1; done"],
              },
            ],
          },
        },
      },
    });
    const capsuleUuid = created.body.uuid;
    const oneExited = await waitForCapsule(capsuleUuid, (c) => c.containers[0].status === "Stopped");
    expect(oneExited.status).toBe("Running");
    expect(oneExited.containers.map((c: any) => [c.name, c.status, c.exit_code])).toEqual([
      ["short", "Stopped", 4],
      ["long", "Running", null],
    ]);
    // The long one's process dies outside Berth's doing.
    await berth.docker.getContainer(`berth-capsule-${capsuleUuid}-long`).kill({ signal: "SIGKILL" });
    const stopped = await waitForCapsule(capsuleUuid, (c) => c.status === "Stopped");
    expect(stopped.containers[1]).toMatchObject({ status: "Stopped", exit_code: 137 });
    expect((await berth.api("DELETE", `/v1/capsules/${capsuleUuid}`, { token: ALICE })).status).toBe(204);
    await waitForCapsuleGone(capsuleUuid);
    expect(await partsOf(capsuleUuid)).toEqual([]);
    expect(await hostUsage()).toEqual(usageBefore);
  });

  it("capsules racing for the same room: each is placed whole or not at all, and the host is never overcommitted", async () => {
    const host = (await berth.stores.hosts.list())[0]!;
    const room = host.cpu_total_millis - host.cpu_used_millis;
    // Each needs more than half the room: at most one fits.
    const cpu = Math.floor((room * 0.6) / 2) / 1000;
    const racer = (index: number) => {
      const body = webCapsule(`racer-${index}`);
      body.template.spec.initContainers = [];
      for (const container of body.template.spec.containers) container.resources = { requests: { cpu, memory: 16 } };
      return body;
    };
    const answers = await Promise.all(
      [0, 1, 2, 3].map((index) => berth.api("POST", "/v1/capsules", { token: ALICE, body: racer(index) })),
    );
    expect(answers.map((answer) => answer.status)).toEqual([202, 202, 202, 202]);
    const placed = answers.filter((answer) => answer.body.host !== null);
    expect(placed).toHaveLength(1);
    for (const refused of answers.filter((answer) => answer.body.host === null))
      expect(refused.body.status_reason).toMatch(/^No valid host was found: .*insufficient cpu/);
    const after = (await berth.stores.hosts.get(host.id))!;
    expect(after.cpu_used_millis).toBe(host.cpu_used_millis + Math.round(cpu * 1000) * 2);
    expect(after.cpu_used_millis).toBeLessThanOrEqual(after.cpu_total_millis);
    await waitForCapsule(placed[0]!.body.uuid, (capsule) => capsule.status === "Running");
    for (const answer of answers)
      expect((await berth.api("DELETE", `/v1/capsules/${answer.body.uuid}`, { token: ALICE })).status).toBe(204);
    for (const answer of answers) await waitForCapsuleGone(answer.body.uuid);
    expect(await hostUsage()).toEqual(usageBefore);
  });

  it("a capsule stored and claimed whose host was never told (the function stopped) is still removed whole by a delete", async () => {
    const host = (await berth.stores.hosts.list())[0]!;
    const created = await berth.api("POST", "/v1/capsules", { token: ALICE, body: webCapsule("orphaned") });
    const record = (await berth.stores.capsules.get(created.body.uuid))!;
    // As if the create had stopped after its transaction: the same capsule again, under a new uuid, never sent.
    const lost = { ...record, uuid: randomUUID(), name: "never-sent", task_state: "creating" as const };
    const guard = await QuotaGuard.check(berth.stores.quotas, "project-a", usageOf(lost.claim!));
    expect(await berth.stores.capsules.createPlaced(lost, host, guard.items)).toBe("placed");
    expect((await berth.api("GET", `/v1/capsules/${lost.uuid}`, { token: ALICE })).body.status).toBe("Creating");
    for (const uuid of [record.uuid, lost.uuid])
      expect((await berth.api("DELETE", `/v1/capsules/${uuid}`, { token: ALICE })).status).toBe(204);
    for (const uuid of [record.uuid, lost.uuid]) await waitForCapsuleGone(uuid);
    expect(await partsOf(record.uuid)).toEqual([]);
    expect(await hostUsage()).toEqual(usageBefore);
    expect(await quotaInUse()).toEqual(quotaBefore);
  });

  it("a name two of a project's capsules share is a 409 asking for the uuid", async () => {
    const twin = () => {
      const body = webCapsule("twin");
      body.template.spec.containers[0]!.resources = { requests: { cpu: 8, memory: 8192 } };
      return body;
    };
    const first = (await berth.api("POST", "/v1/capsules", { token: ALICE, body: twin() })).body;
    const second = (await berth.api("POST", "/v1/capsules", { token: ALICE, body: twin() })).body;
    const ambiguous = await berth.api("GET", "/v1/capsules/twin", { token: ALICE });
    expect(ambiguous.status).toBe(409);
    expect(ambiguous.body.errors[0].detail).toMatch(/Multiple capsules exist with name twin/);
    for (const capsule of [first, second])
      expect((await berth.api("DELETE", `/v1/capsules/${capsule.uuid}`, { token: ALICE })).status).toBe(204);
  });

  it("a capsule deleted while it is still being built is removed whole, its claim released once", async () => {
    const created = await berth.api("POST", "/v1/capsules", { token: ALICE, body: webCapsule("hasty") });
    expect(created.status).toBe(202);
    expect((await berth.api("DELETE", `/v1/capsules/${created.body.uuid}`, { token: ALICE })).status).toBe(204);
    await waitForCapsuleGone(created.body.uuid);
    // The create's last steps may land after the delete's removal: nothing of it may be left behind.
    await sleep(1_000);
    expect(await partsOf(created.body.uuid)).toEqual([]);
    expect(await volumesOf(created.body.uuid)).toEqual([]);
    expect(await hostUsage()).toEqual(usageBefore);
    expect(await quotaInUse()).toEqual(quotaBefore);
  });

  it("work its host could not do on any delivery leaves the capsule Error with the reason; a new delete then removes it", async () => {
    const created = await berth.api("POST", "/v1/capsules", { token: ALICE, body: webCapsule("lettered") });
    const running = await waitForCapsule(created.body.uuid, (capsule) => capsule.status === "Running");
    // A delete accepted whose message never reached the host, then dead-lettered.
    const record = (await berth.stores.capsules.get(running.uuid))!;
    const deleting = (await berth.stores.capsules.beginDelete(record))!;
    const work = {
      kind: "delete_capsule" as const,
      capsule_uuid: record.uuid,
      generation: deleting.generation,
      request_id: "req-lost",
    };
    expect(await settleDeadLetter({ ...work, generation: record.generation }, berth.stores)).toBe("stale");
    expect(await settleDeadLetter(work, berth.stores)).toBe("failed");
    const failed = (await berth.api("GET", `/v1/capsules/${record.uuid}`, { token: ALICE })).body;
    expect(failed).toMatchObject({
      status: "Error",
      status_reason: "delete_capsule was dead-lettered: the host could not complete it on any delivery",
    });
    expect(await settleDeadLetter(work, berth.stores)).toBe("stale");
    expect((await berth.api("DELETE", `/v1/capsules/${record.uuid}`, { token: ALICE })).status).toBe(204);
    await waitForCapsuleGone(record.uuid);
    expect(await partsOf(record.uuid)).toEqual([]);
    expect(await hostUsage()).toEqual(usageBefore);
  });

  it("every container counts against the containers quota: a capsule past it is a 403 naming it, and nothing is claimed", async () => {
    expect((await berth.api("PUT", "/v1/quotas/project-a", { token: ADMIN, body: { containers: 2 } })).status).toBe(
      200,
    );
    try {
      const refused = await berth.api("POST", "/v1/capsules", { token: ALICE, body: webCapsule("crowded") });
      expect(refused.status).toBe(403);
      expect(refused.body.errors[0].detail).toMatch(/^Quota exceeded for containers: need 3/);
      expect((await berth.api("GET", "/v1/capsules", { token: ALICE })).body.capsules).toEqual([]);
      expect(await hostUsage()).toEqual(usageBefore);
    } finally {
      await berth.api("DELETE", "/v1/quotas/project-a", { token: ADMIN });
    }
  });
});
