import { afterAll, beforeAll, expect, it } from "vitest";
import { TEST_IMAGE } from "../../local/test-image.ts";
import { readConfig } from "../../shared/config.ts";
import { type PlacementRecord, reasonOf } from "../../shared/scheduling/placement-record.ts";
import { sqsClientFor } from "../../shared/store/clients.ts";
import { MEMBER_TOKEN, startBerth, type TestBerth } from "../helpers/berth.ts";
import { registerSimulatedHosts } from "../helpers/simulated-hosts.ts";

let berth: TestBerth;

beforeAll(async () => {
  // No agent: four simulated hosts of 2 GiB; only the first has the label gpu=yes.
  berth = await startBerth({ agents: 0 });
  await registerSimulatedHosts(berth.stores.hosts, sqsClientFor(readConfig()), {
    count: 4,
    prefix: berth.deployment,
    memoryMiB: 2048,
    labels: (index): Record<string, string> => (index === 0 ? { gpu: "yes" } : {}),
  });
});
afterAll(async () => {
  await berth?.stop();
});

it("a no-valid-host Error's status_reason and schedule event come from one record, which an admin reads whole and a member does not", async () => {
  // Created by the member, so that both may read its actions.
  const created = await berth.api("POST", "/v1/containers", {
    body: { image: TEST_IMAGE, name: "too-big", memory: "4096", hints: { "label:gpu": "yes" } },
    token: MEMBER_TOKEN,
  });
  expect(created.status).toBe(202);
  const record = (await berth.stores.containers.get(created.body.uuid))!;
  expect(record.status).toBe("Error");

  const [action] = (await berth.stores.actions.list(created.body.uuid))!;
  const schedule = action!.events.find((event) => event.event === "schedule")!;
  const decision = schedule.details as unknown as PlacementRecord;
  expect(decision).toMatchObject({
    outcome: "no_valid_host",
    hosts_evaluated: 4,
    candidates: 0,
    attempts: 0,
    filtered: [
      { filter: "label", hosts: 3, reason: "label mismatch (want gpu=yes)" },
      { filter: "memory", hosts: 1, reason: "insufficient memory (need 4096 MiB, best has 2048 MiB)" },
    ],
  });
  expect(record.status_reason).toBe(reasonOf(decision));
  expect(schedule.traceback).toBe(reasonOf(decision));

  const path = `/v1/containers/${created.body.uuid}/container_actions/${action!.request_id}`;
  const asAdmin = await berth.api("GET", path);
  expect(asAdmin.status).toBe(200);
  const adminEvent = asAdmin.body.events.find((event: { event: string }) => event.event === "schedule");
  expect(adminEvent.berth_details).toEqual(decision);

  const asMember = await berth.api("GET", path, { token: MEMBER_TOKEN });
  expect(asMember.status).toBe(200);
  const memberEvent = asMember.body.events.find((event: { event: string }) => event.event === "schedule");
  // Zun's fields, and nothing of the hosts.
  expect(Object.keys(memberEvent).sort()).toEqual(["event", "finish_time", "result", "start_time", "traceback"]);
});

it("a placed container's schedule event keeps its record too: the host's score and the attempt", async () => {
  const created = await berth.api("POST", "/v1/containers", { body: { image: TEST_IMAGE, name: "fits" } });
  expect(created.status).toBe(202);
  const record = (await berth.stores.containers.get(created.body.uuid))!;
  const [action] = await berth.stores.actions.list(created.body.uuid);
  const shown = await berth.api("GET", `/v1/containers/${created.body.uuid}/container_actions/${action!.request_id}`);
  const schedule = shown.body.events.find((event: { event: string }) => event.event === "schedule");
  expect(schedule.berth_details).toMatchObject({
    outcome: "placed",
    host_id: record.host_id,
    hosts_evaluated: 4,
    candidates: 4,
    filtered: [],
    attempts: 1,
  });
  expect(schedule.berth_details.scores).toHaveLength(4);
  // binpack's preset, each weigher's part per host: four empty hosts weigh alike.
  expect(schedule.berth_details.multipliers).toEqual({
    free_memory: -1,
    free_cpu: -1,
    container_count: 0,
    group: 1,
    image: 1,
  });
  expect(schedule.berth_details.scores[0]).toMatchObject({ score: 0, weighers: { free_memory: 0, free_cpu: 0 } });
});
