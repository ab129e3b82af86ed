import { afterAll, beforeAll, expect, it } from "vitest";
import { SLEEPER, TEST_IMAGE } from "../../local/test-image.ts";
import { expectAgreement } from "../helpers/agreement.ts";
import { startBerth, type TestBerth } from "../helpers/berth.ts";

/** Docker removes an auto_remove container by itself once it stops: a delete that stops it first must not trip over that. */
let berth: TestBerth;

beforeAll(async () => {
  berth = await startBerth();
}, 120_000);

afterAll(async () => {
  await berth?.stop();
});

it("deleting a running auto_remove container with stop=true removes it and its record", async () => {
  const created = await berth.api("POST", "/v1/containers?run=true", {
    body: { image: TEST_IMAGE, command: SLEEPER, cpu: 0.1, memory: 16, auto_remove: true },
  });
  expect(created.status).toBe(202);
  await berth.waitForContainer(created.body.uuid, (c) => c.status === "Running" && c.task_state === null);
  expect((await berth.api("DELETE", `/v1/containers/${created.body.uuid}?stop=true`)).status).toBe(204);
  await berth.waitForGone(created.body.uuid);
  expect((await berth.dockerContainers()).filter((c) => c.Labels["berth.uuid"] === created.body.uuid)).toEqual([]);
  await expectAgreement(berth);
});
