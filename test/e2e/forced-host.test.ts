import { afterAll, beforeAll, expect, it } from "vitest";
import { TEST_IMAGE } from "../../local/test-image.ts";
import { readConfig } from "../../shared/config.ts";
import { sqsClientFor } from "../../shared/store/clients.ts";
import { MEMBER_TOKEN, startBerth, type TestBerth } from "../helpers/berth.ts";
import { registerSimulatedHosts } from "../helpers/simulated-hosts.ts";

let berth: TestBerth;
let hostIds: string[];

beforeAll(async () => {
  // No agent: three simulated hosts in zone nova; only the first has the label gpu=yes.
  berth = await startBerth({ agents: 0 });
  hostIds = await registerSimulatedHosts(berth.stores.hosts, sqsClientFor(readConfig()), {
    count: 3,
    prefix: berth.deployment,
    labels: (index): Record<string, string> => (index === 0 ? { gpu: "yes" } : {}),
  });
});
afterAll(async () => {
  await berth?.stop();
});

const labelled = { image: TEST_IMAGE, hints: { "label:gpu": "yes" } };

it("availability_zone zone:host forces the host past the filters of preference, and the schedule event says which it skipped", async () => {
  const forcedHost = hostIds[2]!;
  const created = await berth.api("POST", "/v1/containers", {
    body: { ...labelled, name: "forced", availability_zone: `nova:${forcedHost}` },
  });
  expect(created.status).toBe(202);
  const record = (await berth.stores.containers.get(created.body.uuid))!;
  expect(record).toMatchObject({ host_id: forcedHost, availability_zone: "nova", forced_host: true });
  const actions = (await berth.api("GET", `/v1/containers/${created.body.uuid}/container_actions`)).body
    .containerActions;
  const [action] = actions;
  // The API shows Zun's event fields; the placement's explanation is kept in the stored action.
  const stored = (await berth.stores.actions.get(created.body.uuid, action.request_id))!;
  const schedule = stored.events.find((event) => event.event === "schedule");
  expect(schedule?.details).toMatchObject({
    host_id: forcedHost,
    forced_host_skipped_filters: ["retry", "availability zone", "label", "group"],
  });

  // The same host through `host` is Nova's requested destination: every filter runs.
  const requested = await berth.api("POST", "/v1/containers", {
    body: { ...labelled, name: "requested", host: forcedHost },
  });
  expect(requested.status).toBe(202);
  expect(await berth.stores.containers.get(requested.body.uuid)).toMatchObject({
    status: "Error",
    status_reason: expect.stringContaining("label mismatch"),
  });
});

it("a node part names the same host; a member may not force one; nothing is stored for a refused create", async () => {
  const before = (await berth.stores.containers.listByProject("demo")).length;
  const mismatch = await berth.api("POST", "/v1/containers", {
    body: { image: TEST_IMAGE, availability_zone: `nova:${hostIds[0]}:${hostIds[1]}` },
  });
  expect(mismatch.status).toBe(400);
  expect(mismatch.body.errors[0].detail).toContain("availability_zone");
  const member = await berth.api("POST", "/v1/containers", {
    body: { image: TEST_IMAGE, availability_zone: `nova:${hostIds[0]}` },
    token: MEMBER_TOKEN,
  });
  expect(member.status).toBe(403);
  expect((await berth.stores.containers.listByProject("demo")).length).toBe(before);

  const nodeOnly = await berth.api("POST", "/v1/containers", {
    body: { image: TEST_IMAGE, availability_zone: `nova::${hostIds[1]}` },
  });
  expect(nodeOnly.status).toBe(202);
  expect(await berth.stores.containers.get(nodeOnly.body.uuid)).toMatchObject({ host_id: hostIds[1] });
});
