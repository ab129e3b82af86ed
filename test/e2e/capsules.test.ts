import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditAccounting } from "../../shared/reconcile/audit-accounting.ts";
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
});
