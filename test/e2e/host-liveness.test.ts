import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, expect, it } from "vitest";
import { handler as reconcile } from "../../functions/reconcile/reconcile.ts";
import { TEST_IMAGE } from "../../local/test-image.ts";
import { startBerth, type TestBerth } from "../helpers/berth.ts";

let berth: TestBerth;
beforeAll(async () => {
  berth = await startBerth({ environment: { BERTH_HOST_DOWN_AFTER_SECONDS: "3" } });
});
afterAll(async () => {
  berth?.stack.agents[0]?.kill("SIGCONT");
  await berth?.stop();
});

it("a host whose agent stops heartbeating is marked down, gets no containers, and comes back", async () => {
  const agent = berth.stack.agents[0]!;
  expect(await reconcile()).toMatchObject({ hostsMarkedDown: 0, hostsMarkedUp: 1 });

  agent.kill("SIGSTOP");
  await sleep(4_500);
  expect(await reconcile()).toMatchObject({ hostsMarkedDown: 1, hostsMarkedUp: 0 });
  const [host] = await berth.stores.hosts.list();
  expect(host!.state).toBe("down");

  const created = await berth.api("POST", "/v1/containers", { body: { image: TEST_IMAGE, memory: 16 } });
  expect(created.body.status).toBe("Error");
  expect(created.body.status_reason).toBe(
    "No valid host was found: 1 host: 1 unavailable (1 without a heartbeat for 3 s).",
  );

  agent.kill("SIGCONT");
  const deadline = Date.now() + 10_000;
  let result = await reconcile();
  while (result.hostsMarkedUp === 0 && Date.now() < deadline) {
    await sleep(500);
    result = await reconcile();
  }
  expect(result).toMatchObject({ hostsMarkedDown: 0, hostsMarkedUp: 1 });
});
