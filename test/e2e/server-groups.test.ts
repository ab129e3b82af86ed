import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TEST_IMAGE } from "../../local/test-image.ts";
import { readConfig } from "../../shared/config.ts";
import type { ContainerRecord } from "../../shared/model/container.ts";
import { rescheduleContainer } from "../../shared/reconcile/reschedule-container.ts";
import { sqsClientFor } from "../../shared/store/clients.ts";
import { ADMIN_TOKEN, startBerth, type TestBerth } from "../helpers/berth.ts";
import { registerSimulatedHosts } from "../helpers/simulated-hosts.ts";

const TOKENS = {
  [ADMIN_TOKEN]: { projectId: "demo", userId: "admin", roles: ["admin", "member"] },
  "other-token": { projectId: "other", userId: "eve", roles: ["member"] },
};

let berth: TestBerth;
let hostIds: string[];

beforeAll(async () => {
  // No agent: four simulated hosts, so placement is all that runs.
  berth = await startBerth({ agents: 0, callers: TOKENS });
  hostIds = await registerSimulatedHosts(berth.stores.hosts, sqsClientFor(readConfig()), {
    count: 4,
    prefix: berth.deployment,
  });
  const unlimited = { containers: -1, cpu: -1, memory: -1, disk: -1 };
  expect((await berth.api("PUT", "/v1/quotas/demo", { body: unlimited })).status).toBe(200);
});
afterAll(async () => {
  await berth?.stop();
});

async function createGroup(body: Record<string, unknown>) {
  const response = await berth.api("POST", "/v1/server_groups", { body: { server_group: body } });
  expect(response.status, JSON.stringify(response.body)).toBe(200);
  return response.body.server_group as { id: string; name: string; members: string[] };
}

/** `count` creates at once in one group; the records they made. */
async function createConcurrently(count: number, prefix: string, hints: Record<string, string>) {
  const responses = await Promise.all(
    Array.from({ length: count }, (_, index) =>
      berth.api("POST", "/v1/containers", {
        body: { name: `${prefix}-${index}`, image: TEST_IMAGE, cpu: 0.1, memory: 64, disk: 1, hints },
      }),
    ),
  );
  for (const response of responses) expect(response.status, JSON.stringify(response.body)).toBe(202);
  const records = await Promise.all(responses.map((response) => berth.stores.containers.get(response.body.uuid)));
  return {
    placed: records.filter((record): record is ContainerRecord => Boolean(record?.host_id)),
    refused: records.filter((record): record is ContainerRecord => Boolean(record && !record.host_id)),
  };
}

function perHost(records: Array<{ host_id: string | null } | undefined>): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const record of records) counts[record!.host_id!] = (counts[record!.host_id!] ?? 0) + 1;
  return counts;
}

describe("a hard policy holds under concurrency", () => {
  it("20 concurrent creates in an anti-affinity group on 4 hosts: 4 placed on 4 hosts, 16 Error naming the policy", async () => {
    const group = await createGroup({ name: "web", policy: "anti-affinity" });
    const { placed, refused } = await createConcurrently(20, "web", { group: group.id });
    expect(placed).toHaveLength(4);
    expect(Object.keys(perHost(placed)).sort()).toEqual([...hostIds].sort());
    expect(refused).toHaveLength(16);
    for (const record of refused) {
      expect(record!.status).toBe("Error");
      expect(record!.status_reason).toMatch(/^No valid host was found: .*group web \(anti-affinity\)/);
    }
    const shown = await berth.api("GET", `/v1/server_groups/${group.id}`);
    expect(shown.body.server_group.members.sort()).toEqual(placed.map((record) => record!.uuid).sort());
    for (const id of hostIds) expect((await berth.stores.hosts.get(id))!.total_containers).toBeGreaterThanOrEqual(1);
  });

  it("20 concurrent creates in an affinity group all land on one host", async () => {
    const group = await createGroup({ name: "db", policy: "affinity" });
    const { placed, refused } = await createConcurrently(20, "db", { group: "db" });
    expect(refused).toEqual([]);
    expect(Object.keys(perHost(placed))).toHaveLength(1);
    expect((await berth.api("GET", `/v1/server_groups/${group.id}`)).body.server_group.members).toHaveLength(20);
  });

  it("max_server_per_host 2: 20 concurrent creates place 8, two on each host", async () => {
    await createGroup({ name: "pairs", policy: "anti-affinity", rules: { max_server_per_host: 2 } });
    const { placed, refused } = await createConcurrently(20, "pairs", { group: "pairs" });
    expect(placed).toHaveLength(8);
    expect(Object.values(perHost(placed))).toEqual([2, 2, 2, 2]);
    expect(refused[0]!.status_reason).toContain("already running 2 members of group pairs (anti-affinity)");
  });

  it("the group_policy hint still makes an implicit group that holds under concurrency", async () => {
    const { placed, refused } = await createConcurrently(8, "legacy", {
      group: "legacy",
      group_policy: "anti-affinity",
    });
    expect(placed).toHaveLength(4);
    expect(Object.keys(perHost(placed))).toHaveLength(4);
    expect(refused).toHaveLength(4);
    const listed = (await berth.api("GET", "/v1/server_groups")).body.server_groups;
    expect(listed.find((group: { name: string }) => group.name === "legacy")).toMatchObject({
      policy: "anti-affinity",
      members: placed.map((record) => record!.uuid).sort(),
    });
  });
});

describe("membership goes with the claim", () => {
  it("a deleted member's host takes a new member; a group with members cannot be deleted, an empty one can", async () => {
    const group = await createGroup({ name: "solo", policy: "anti-affinity" });
    const { placed } = await createConcurrently(4, "solo", { group: group.id });
    expect(placed).toHaveLength(4);

    const full = await berth.api("POST", "/v1/containers", {
      body: { name: "solo-extra", image: TEST_IMAGE, cpu: 0.1, memory: 64, disk: 1, hints: { group: group.id } },
    });
    expect((await berth.stores.containers.get(full.body.uuid))!.status_reason).toContain("group solo (anti-affinity)");

    const refusal = await berth.api("DELETE", `/v1/server_groups/${group.id}`);
    expect(refusal.status).toBe(409);
    expect(refusal.body.errors[0].detail).toContain("4 members");

    // What the host does once Docker has removed it: the claim, and with it the place in the group, goes.
    const leaving = placed[0]!;
    expect((await berth.stores.containers.removeAndRelease(leaving)).released).toBe(true);
    const next = await berth.api("POST", "/v1/containers", {
      body: { name: "solo-next", image: TEST_IMAGE, cpu: 0.1, memory: 64, disk: 1, hints: { group: "solo" } },
    });
    expect((await berth.stores.containers.get(next.body.uuid))!.host_id).toBe(leaving.host_id);

    for (const record of [...placed.slice(1), (await berth.stores.containers.get(next.body.uuid))!])
      expect((await berth.stores.containers.removeAndRelease(record)).released).toBe(true);
    expect((await berth.api("GET", `/v1/server_groups/${group.id}`)).body.server_group.members).toEqual([]);
    expect((await berth.api("DELETE", `/v1/server_groups/${group.id}`)).status).toBe(204);
    expect((await berth.api("GET", `/v1/server_groups/${group.id}`)).status).toBe(404);
  });
});

async function createOne(name: string, hints: Record<string, string>): Promise<ContainerRecord> {
  const response = await berth.api("POST", "/v1/containers", {
    body: { name, image: TEST_IMAGE, cpu: 0.1, memory: 64, disk: 1, hints },
  });
  expect(response.status, JSON.stringify(response.body)).toBe(202);
  return (await berth.stores.containers.get(response.body.uuid))!;
}

describe("every release of the claim gives the place back", () => {
  it("a create failed before Docker leaves the group, and its host takes the next member", async () => {
    const group = await createGroup({ name: "flaky", policy: "anti-affinity" });
    const { placed } = await createConcurrently(4, "flaky", { group: group.id });
    expect(placed).toHaveLength(4);
    const failed = placed[0]!;
    expect(await berth.stores.containers.failUnstarted(failed, "simulated pull failure")).toBe(true);
    expect((await berth.api("GET", `/v1/server_groups/${group.id}`)).body.server_group.members).not.toContain(
      failed.uuid,
    );
    expect((await createOne("flaky-next", { group: "flaky" })).host_id).toBe(failed.host_id);
  });

  it("a reschedule off a dead host moves the member's count: anti-affinity still holds, and the old host is free", async () => {
    const group = await createGroup({ name: "moving", policy: "anti-affinity" });
    const members: ContainerRecord[] = [];
    for (const index of [0, 1, 2]) members.push(await createOne(`moving-${index}`, { group: group.id }));
    const [free] = hostIds.filter((id) => !members.some((member) => member.host_id === id));
    const leaving = members[0]!;
    const moved = await rescheduleContainer(
      leaving,
      { id: leaving.host_id!, hostname: leaving.host! },
      { stores: berth.stores, sqs: sqsClientFor(readConfig()), config: readConfig() },
    );
    expect(moved).toMatchObject({ moved: true, host: { id: free } });
    expect((await createOne("moving-3", { group: group.id })).host_id).toBe(leaving.host_id);
    expect((await createOne("moving-4", { group: group.id })).status_reason).toContain("group moving (anti-affinity)");
  });

  it("an affinity group's only member moving takes the group with it", async () => {
    await createGroup({ name: "pinned", policy: "affinity" });
    const only = await createOne("pinned-0", { group: "pinned" });
    const moved = await rescheduleContainer(
      only,
      { id: only.host_id!, hostname: only.host! },
      { stores: berth.stores, sqs: sqsClientFor(readConfig()), config: readConfig() },
    );
    expect(moved.moved).toBe(true);
    const newHost = (await berth.stores.containers.get(only.uuid))!.host_id;
    expect(newHost).not.toBe(only.host_id);
    expect((await createOne("pinned-1", { group: "pinned" })).host_id).toBe(newHost);
  });
});

describe("the placement says which group it joined, and a forced host does not break a hard policy", () => {
  it("the schedule event names the group; an admin forcing a host that holds a member gets no valid host", async () => {
    const group = await createGroup({ name: "firm", policy: "anti-affinity" });
    const first = await createOne("firm-0", { group: group.id });
    const [action] = (await berth.api("GET", `/v1/containers/${first.uuid}/container_actions`)).body.containerActions;
    const stored = (await berth.stores.actions.get(first.uuid, action.request_id))!;
    expect(stored.events.find((event) => event.event === "schedule")?.details).toMatchObject({
      server_group: { id: group.id, name: "firm", policy: "anti-affinity" },
    });

    const forced = await berth.api("POST", "/v1/containers", {
      body: {
        name: "firm-forced",
        image: TEST_IMAGE,
        cpu: 0.1,
        memory: 64,
        availability_zone: `nova:${first.host}`,
        hints: { group: group.id },
      },
    });
    expect(forced.status).toBe(202);
    const record = (await berth.stores.containers.get(forced.body.uuid))!;
    expect(record.host_id).toBeNull();
    expect(record.status_reason).toContain("group firm (anti-affinity)");
  });
});

describe("soft policies weigh, they never refuse", () => {
  it("soft-anti-affinity spreads over every host first, then still places", async () => {
    await createGroup({ name: "loose", policy: "soft-anti-affinity" });
    const members: ContainerRecord[] = [];
    for (const index of [0, 1, 2, 3, 4])
      members.push(await createOne(`loose-${index}`, { group: "loose", strategy: "binpack" }));
    expect(new Set(members.slice(0, 4).map((member) => member.host_id)).size).toBe(4);
    expect(members[4]!.host_id).not.toBeNull();
  });

  it("soft-affinity keeps members together even under spread", async () => {
    await createGroup({ name: "close", policy: "soft-affinity" });
    const members: ContainerRecord[] = [];
    for (const index of [0, 1, 2, 3])
      members.push(await createOne(`close-${index}`, { group: "close", strategy: "spread" }));
    expect(new Set(members.map((member) => member.host_id)).size).toBe(1);
  });
});

describe("server groups are the project's own", () => {
  it("another project's group is not found, and cannot be joined", async () => {
    const group = await createGroup({ name: "private", policy: "affinity" });
    expect((await berth.api("GET", `/v1/server_groups/${group.id}`, { token: "other-token" })).status).toBe(404);
    expect((await berth.api("DELETE", `/v1/server_groups/${group.id}`, { token: "other-token" })).status).toBe(404);
    const listed = await berth.api("GET", "/v1/server_groups", { token: "other-token" });
    expect(listed.body.server_groups).toEqual([]);
    const join = await berth.api("POST", "/v1/containers", {
      token: "other-token",
      body: { image: TEST_IMAGE, cpu: 0.1, memory: 64, hints: { group: group.id } },
    });
    expect(join.status).toBe(400);
    expect(join.body.errors[0].detail).toContain("hints.group");
  });
});

describe("bad bodies are a 400 naming the field, and change nothing", () => {
  it.each([
    [{ server_group: { policy: "affinity" } }, "server_group.name"],
    [{ server_group: { name: "a b", policy: "affinity" } }, "server_group.name"],
    [{ server_group: { name: "g1" } }, "server_group.policy"],
    [{ server_group: { name: "g1", policy: "together" } }, "server_group.policy"],
    [{ server_group: { name: "g1", policy: "affinity", rules: { max_server_per_host: 2 } } }, "server_group.rules"],
    [
      { server_group: { name: "g1", policy: "anti-affinity", rules: { max_server_per_host: 0 } } },
      "server_group.rules.max_server_per_host",
    ],
    [{ server_group: { name: "g1", policy: "anti-affinity", rules: { other: 1 } } }, "server_group.rules.other"],
    [{ server_group: { name: "g1", policy: "anti-affinity", policies: ["x"] } }, "server_group.policies"],
    [{ server_group: "g1" }, "server_group"],
    [{ group: {} }, "group"],
  ])("%j → names %s", async (body, field) => {
    const before = (await berth.api("GET", "/v1/server_groups")).body.server_groups.length;
    const response = await berth.api("POST", "/v1/server_groups", { body });
    expect(response.status).toBe(400);
    expect(response.body.errors[0].detail).toContain(field);
    expect((await berth.api("GET", "/v1/server_groups")).body.server_groups).toHaveLength(before);
  });

  it("a group_policy that contradicts the group named is a 400", async () => {
    await createGroup({ name: "strict", policy: "anti-affinity" });
    const response = await berth.api("POST", "/v1/containers", {
      body: { image: TEST_IMAGE, cpu: 0.1, memory: 64, hints: { group: "strict", group_policy: "affinity" } },
    });
    expect(response.status).toBe(400);
    expect(response.body.errors[0].detail).toContain("hints.group_policy");
  });
});
