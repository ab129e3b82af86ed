import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TEST_IMAGE } from "../../local/test-image.ts";
import { usageOf } from "../../shared/quotas/limits.ts";
import { QuotaGuard } from "../../shared/quotas/quota-guard.ts";
import { auditAccounting } from "../../shared/reconcile/audit-accounting.ts";
import { settleDeadLetter } from "../../shared/reconcile/settle-dead-letter.ts";
import { startBerth, type TestBerth } from "../helpers/berth.ts";

const TOKENS = {
  "alice-token": { projectId: "project-a", userId: "alice", roles: ["member"] },
  "bob-token": { projectId: "project-b", userId: "bob", roles: ["member"] },
  "root-token": { projectId: "ops", userId: "root", roles: ["admin"] },
};
const ADMIN = "root-token";
const ALICE = "alice-token";

let berth: TestBerth;
beforeAll(async () => {
  berth = await startBerth({ environment: { BERTH_DEV_TOKENS: JSON.stringify(TOKENS) } });
});
afterAll(async () => {
  await berth?.stop();
  const labelled = { label: [`berth.deployment=${berth.deployment}`] };
  for (const volume of (await berth.docker.listVolumes({ filters: labelled })).Volumes ?? [])
    await berth.docker
      .getVolume(volume.Name)
      .remove()
      .catch(() => undefined);
});

/** An init container writes a page into a shared volume; one container serves it, the other fetches it on localhost. */
function webCapsule(name: string) {
  return {
    template: {
      kind: "capsule",
      capsuleVersion: "beta",
      metadata: { name, labels: { app: "web" } },
      spec: {
        restartPolicy: "Always",
        initContainers: [
          {
            name: "prepare",
            image: TEST_IMAGE,
            command: ["sh", "-c"],
            args: ["echo hello-from-init > /work/index.html"],
            resources: { requests: { cpu: 0.5, memory: 64 } },
            volumeMounts: [{ name: "work", mountPath: "/work" }],
          },
        ],
        containers: [
          {
            name: "web",
            image: TEST_IMAGE,
            command: ["httpd", "-f", "-p", "8080", "-h", "/site"],
            resources: { requests: { cpu: 0.2, memory: 32 } },
            ports: [{ containerPort: 8080, protocol: "TCP" }],
            volumeMounts: [{ name: "work", mountPath: "/site" }],
          },
          {
            name: "client",
            image: TEST_IMAGE,
            command: [
              "sh",
              "-c",
              "trap 'exit 0' TERM; while true; do wget -qO- localhost:8080/index.html; sleep 1; done",
            ],
            env: { GREETING: "hi" },
            workDir: "/tmp",
            resources: { requests: { cpu: 0.1, memory: 16 } },
          },
        ],
        volumes: [{ name: "work" }],
      },
    },
  };
}

async function waitForCapsule(id: string, until: (capsule: any) => boolean, token = ALICE, timeoutMs = 50_000) {
  const deadline = Date.now() + timeoutMs;
  let last: any;
  while (Date.now() < deadline) {
    const response = await berth.api("GET", `/v1/capsules/${id}`, { token });
    last = response.body;
    if (response.status === 200 && until(last)) return last;
    await sleep(150);
  }
  throw new Error(`capsule ${id} did not reach the expected state; last: ${JSON.stringify(last)}`);
}

async function waitForCapsuleGone(uuid: string, timeoutMs = 50_000) {
  const deadline = Date.now() + timeoutMs;
  while (await berth.stores.capsules.get(uuid)) {
    if (Date.now() > deadline) throw new Error(`capsule ${uuid} was not deleted within ${timeoutMs} ms`);
    await sleep(150);
  }
}

const partsOf = (uuid: string) =>
  berth.docker.listContainers({ all: true, filters: { label: [`berth.capsule=${uuid}`] } });
const volumesOf = async (uuid: string) =>
  (await berth.docker.listVolumes({ filters: { label: [`berth.capsule=${uuid}`] } })).Volumes ?? [];
const hostUsage = async () => {
  const host = (await berth.stores.hosts.list())[0]!;
  return { cpu: host.cpu_used_millis, memory: host.mem_used, containers: host.total_containers };
};
const quotaInUse = async (token = ALICE) => {
  const project = TOKENS[token as keyof typeof TOKENS].projectId;
  const quota = (await berth.api("GET", `/v1/quotas/${project}?usages=true`, { token })).body;
  return { containers: quota.containers.in_use, cpu: quota.cpu.in_use, memory: quota.memory.in_use };
};

describe("capsules", () => {
  let uuid: string;
  let usageBefore: Awaited<ReturnType<typeof hostUsage>>;
  let quotaBefore: Awaited<ReturnType<typeof quotaInUse>>;

  it("a capsule is created on one host, its init container first, then Running; one claim holds all its containers", async () => {
    usageBefore = await hostUsage();
    quotaBefore = await quotaInUse();
    const created = await berth.api("POST", "/v1/capsules/", { token: ALICE, body: webCapsule("web") });
    expect(created.status).toBe(202);
    expect(created.body).toMatchObject({ name: "web", status: "Creating", labels: { app: "web" } });
    expect(created.headers.get("location")).toMatch(new RegExp(`/v1/capsules/${created.body.uuid}$`));
    uuid = created.body.uuid;

    const running = await waitForCapsule(uuid, (capsule) => capsule.status === "Running");
    expect(running.init_containers.map((c: any) => [c.name, c.status, c.exit_code])).toEqual([
      ["prepare", "Stopped", 0],
    ]);
    expect(running.containers.map((c: any) => [c.name, c.status])).toEqual([
      ["web", "Running"],
      ["client", "Running"],
    ]);
    // max(regular containers' sum, largest init container), as Kubernetes sizes a pod
    expect(running).toMatchObject({ cpu: 0.5, memory: "64", restart_policy: { Name: "always" } });
    expect(Object.values(running.addresses).flat()).toHaveLength(1);
    expect(await hostUsage()).toEqual({
      cpu: usageBefore.cpu + 500,
      memory: usageBefore.memory + 64,
      containers: usageBefore.containers + 3,
    });
    expect(await quotaInUse()).toEqual({
      containers: quotaBefore.containers + 3,
      cpu: quotaBefore.cpu + 0.5,
      memory: quotaBefore.memory + 64,
    });
    // The accounting audit adds the capsule's one claim up as its three containers: no drift to correct.
    expect((await auditAccounting(berth.stores, { settleMs: 100 })).corrections).toEqual([]);
  });

  it("its containers share the sandbox's network namespace and its volume: the init container's page is fetched on localhost", async () => {
    const parts = await partsOf(uuid);
    const sandbox = parts.find((part) => part.Labels["berth.capsule.part"] === "sandbox")!;
    expect(parts).toHaveLength(4);
    for (const part of parts.filter((p) => p !== sandbox))
      expect((await berth.docker.getContainer(part.Id).inspect()).HostConfig.NetworkMode).toBe(
        `container:${sandbox.Id}`,
      );
    const client = parts.find((part) => part.Names[0] === `/berth-capsule-${uuid}-client`)!;
    const client_ = berth.docker.getContainer(client.Id);
    const deadline = Date.now() + 15_000;
    let output = "";
    while (!output.includes("hello-from-init") && Date.now() < deadline) {
      output = (await client_.logs({ stdout: true, stderr: true })).toString();
      await sleep(200);
    }
    expect(output).toContain("hello-from-init");
    expect((await client_.inspect()).Config.Env).toContain("GREETING=hi");
    expect(await volumesOf(uuid)).toHaveLength(1);
  });

  it("is listed and shown, by uuid and by name, to its project", async () => {
    // python-zunclient asks for /v1/capsules/: the catch-all redirects it, as for every route.
    for (const path of ["/v1/capsules", "/v1/capsules/"]) {
      const listed = await berth.api("GET", path, { token: ALICE });
      expect(listed.status).toBe(200);
      expect(listed.body.capsules.map((c: any) => c.uuid)).toContain(uuid);
    }
    const byName = await berth.api("GET", "/v1/capsules/web", { token: ALICE });
    expect(byName.status).toBe(200);
    expect(byName.body.uuid).toBe(uuid);
    // Before 1.32, Zun's legacy view.
    const legacy = (await berth.api("GET", `/v1/capsules/${uuid}`, { token: ALICE, version: "1.31" })).body;
    expect(legacy).toMatchObject({ meta_name: "web", meta_labels: { app: "web" }, restart_policy: "always" });
    expect(legacy).toMatchObject({ volumes_info: {}, containers_uuids: [], capsule_version: "" });
    expect(legacy.name).toBeUndefined();
    // Another project's capsule of the same name is not this project's business.
    const bobs = await berth.api("POST", "/v1/capsules", { token: "bob-token", body: webCapsule("web") });
    expect(bobs.status).toBe(202);
    expect((await berth.api("GET", "/v1/capsules/web", { token: ALICE })).body.uuid).toBe(uuid);
    await waitForCapsule(bobs.body.uuid, (capsule) => capsule.status === "Running", "bob-token");
    expect((await berth.api("DELETE", `/v1/capsules/${bobs.body.uuid}`, { token: "bob-token" })).status).toBe(204);
    await waitForCapsuleGone(bobs.body.uuid);
  });

  it("another project's capsule does not exist for a member: 404, and it is not listed", async () => {
    for (const [method, path] of [
      ["GET", `/v1/capsules/${uuid}`],
      ["GET", "/v1/capsules/web"],
      ["DELETE", `/v1/capsules/${uuid}`],
    ] as const) {
      const response = await berth.api(method, path, { token: "bob-token" });
      expect(response.status).toBe(404);
      expect(response.body.errors[0].detail).toMatch(/could not be found/);
    }
    expect((await berth.api("GET", "/v1/capsules", { token: "bob-token" })).body.capsules).toEqual([]);
    expect((await berth.api("GET", `/v1/capsules/${uuid}`, { token: ALICE })).body.status).toBe("Running");
  });

  it("an admin sees every project's capsules with all_projects; a member may not ask", async () => {
    const all = await berth.api("GET", "/v1/capsules?all_projects=true", { token: ADMIN });
    expect(all.body.capsules.map((c: any) => c.uuid)).toContain(uuid);
    expect((await berth.api("GET", `/v1/capsules/${uuid}?all_projects=true`, { token: ADMIN })).status).toBe(200);
    expect((await berth.api("GET", `/v1/capsules/${uuid}`, { token: ADMIN })).status).toBe(404);
    expect((await berth.api("GET", "/v1/capsules?all_projects=true", { token: ALICE })).status).toBe(403);
  });

  it("delete removes every Docker part, then the record, and gives back the claim and the quota usage once", async () => {
    const deleted = await berth.api("DELETE", `/v1/capsules/${uuid}`, { token: ALICE });
    expect(deleted.status).toBe(204);
    // A repeated delete while the first is in flight asks again and releases nothing twice.
    const again = await berth.api("DELETE", `/v1/capsules/${uuid}`, { token: ALICE });
    expect([204, 404]).toContain(again.status);
    await waitForCapsuleGone(uuid);
    expect((await berth.api("GET", `/v1/capsules/${uuid}`, { token: ALICE })).status).toBe(404);
    expect(await partsOf(uuid)).toEqual([]);
    expect(await volumesOf(uuid)).toEqual([]);
    expect(await hostUsage()).toEqual(usageBefore);
    expect(await quotaInUse()).toEqual(quotaBefore);
  });

  it("a failing init container fails the capsule with its reason, and its containers are never started", async () => {
    const body = webCapsule("broken");
    body.template.spec.initContainers[0]!.args = ["exit 3"];
    const created = await berth.api("POST", "/v1/capsules", { token: ALICE, body });
    expect(created.status).toBe(202);
    const failed = await waitForCapsule(created.body.uuid, (capsule) => capsule.status === "Error");
    expect(failed.status_reason).toBe("init container prepare exited with code 3");
    expect(failed.init_containers[0]).toMatchObject({ status: "Error", exit_code: 3 });
    expect(failed.containers.map((c: any) => c.status)).toEqual(["Creating", "Creating"]);
    const names = (await partsOf(created.body.uuid)).map((part) => part.Names[0]);
    expect(names).not.toContain(`/berth-capsule-${created.body.uuid}-web`);

    expect((await berth.api("DELETE", `/v1/capsules/${created.body.uuid}`, { token: ALICE })).status).toBe(204);
    await waitForCapsuleGone(created.body.uuid);
    expect(await partsOf(created.body.uuid)).toEqual([]);
    expect(await volumesOf(created.body.uuid)).toEqual([]);
    expect(await hostUsage()).toEqual(usageBefore);
  });

  it("a capsule bigger than any host is Error saying no valid host, claiming nothing on a host but holding its containers in the quota until deleted", async () => {
    const body = webCapsule("huge");
    body.template.spec.containers[0]!.resources = { requests: { cpu: 8, memory: 8192 } };
    body.template.spec.containers[1]!.resources = { requests: { cpu: 8, memory: 8192 } };
    const created = await berth.api("POST", "/v1/capsules", { token: ALICE, body });
    expect(created.status).toBe(202);
    expect(created.body.status).toBe("Error");
    expect(created.body.status_reason).toMatch(/^No valid host was found: .*insufficient/);
    expect(created.body.host).toBeNull();
    expect(await hostUsage()).toEqual(usageBefore);
    // As an unplaced container holds one, so a member cannot pile up Error capsules past the quota.
    expect(await quotaInUse()).toEqual({ ...quotaBefore, containers: quotaBefore.containers + 3 });
    expect((await auditAccounting(berth.stores, { settleMs: 100 })).corrections).toEqual([]);
    expect((await berth.api("DELETE", `/v1/capsules/${created.body.uuid}`, { token: ALICE })).status).toBe(204);
    expect(await berth.stores.capsules.get(created.body.uuid)).toBeUndefined();
    expect(await quotaInUse()).toEqual(quotaBefore);
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

  it.each([
    ["no template", {}, "template"],
    ["a wrong kind", { template: { kind: "pod", spec: { containers: [{ image: TEST_IMAGE }] } } }, "kind"],
    ["no spec", { template: { kind: "capsule" } }, "spec"],
    ["no containers", { template: { kind: "capsule", spec: { containers: [] } } }, "spec.containers"],
    [
      "a container without image",
      { template: { kind: "capsule", spec: { containers: [{}] } } },
      "spec.containers[0].image",
    ],
    [
      "a memory that is not a size",
      {
        template: {
          kind: "capsule",
          spec: { containers: [{ image: TEST_IMAGE, resources: { requests: { memory: "lots" } } }] },
        },
      },
      "spec.containers[0].resources.requests.memory",
    ],
    [
      "a mount of an undeclared volume",
      {
        template: {
          kind: "capsule",
          spec: { containers: [{ image: TEST_IMAGE, volumeMounts: [{ name: "nope", mountPath: "/x" }] }] },
        },
      },
      "spec.containers[0].volumeMounts[0].name",
    ],
    [
      "a Cinder volume",
      {
        template: {
          kind: "capsule",
          spec: { containers: [{ image: TEST_IMAGE }], volumes: [{ name: "v", cinder: { volumeID: "x" } }] },
        },
      },
      "spec.volumes[0].cinder",
    ],
    [
      "an unknown container field",
      { template: { kind: "capsule", spec: { containers: [{ image: TEST_IMAGE, privileged: true }] } } },
      "spec.containers[0].privileged",
    ],
    [
      "an init container with a bad command",
      {
        template: {
          kind: "capsule",
          spec: { containers: [{ image: TEST_IMAGE }], initContainers: [{ image: TEST_IMAGE, command: "ls" }] },
        },
      },
      "spec.initContainers[0].command",
    ],
  ])("%s is a 400 naming the field, and changes nothing", async (_title, body, field) => {
    const before = (await berth.api("GET", "/v1/capsules", { token: ALICE })).body.capsules.length;
    const response = await berth.api("POST", "/v1/capsules", { token: ALICE, body });
    expect(response.status).toBe(400);
    expect(response.body.errors[0].detail).toContain(`Invalid input for field/attribute ${field}:`);
    expect((await berth.api("GET", "/v1/capsules", { token: ALICE })).body.capsules).toHaveLength(before);
    expect(await hostUsage()).toEqual(usageBefore);
  });
});
