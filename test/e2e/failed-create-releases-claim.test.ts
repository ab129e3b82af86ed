import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SLEEPER } from "../../local/test-image.ts";
import { hostUsageOf } from "../../shared/store/hosts.ts";
import { expectAgreement } from "../helpers/agreement.ts";
import { startBerth, type TestBerth } from "../helpers/berth.ts";

/**
 * A create that fails on its host before Docker has the container gives back
 * what placement claimed (Zun's unset_host and claim abort): the host's cpu,
 * memory, disk and count, the project's quota usage, and the host assignment.
 */
let berth: TestBerth;
beforeAll(async () => {
  berth = await startBerth();
});
afterAll(async () => {
  await berth?.stop();
});

/** Nothing listens on port 1 of the loopback: a pull from there fails at once, with no internet needed. */
const UNPULLABLE = "127.0.0.1:1/berth-test/absent:1";

describe("a create that fails before Docker has the container", () => {
  it("a failed pull ends Error with the reason, its host claim and quota usage released (but the one container its record holds) and its host unset, and the action says why", async () => {
    const [host] = await berth.stores.hosts.list();
    const hostBefore = hostUsageOf(host!);
    const quotaBefore = (await berth.stores.quotas.getProject("demo")).usage;

    const created = await berth.api("POST", "/v1/containers?run=true", {
      body: {
        name: "unpullable",
        image: UNPULLABLE,
        image_pull_policy: "always",
        command: SLEEPER,
        cpu: 0.5,
        memory: 64,
        exposed_ports: { "80/tcp": {} },
      },
    });
    expect(created.status).toBe(202);
    expect(created.body.host).toBe(host!.hostname);
    const failed = await berth.waitForContainer(
      created.body.uuid,
      (c) => c.status === "Error" && c.task_state === null,
    );
    expect(failed.status_reason).toMatch(
      /^Image 127\.0\.0\.1:1\/berth-test\/absent:1 could not be pulled \(image_pull_policy always\): /,
    );
    expect(failed.host).toBeNull();

    const record = (await berth.stores.containers.get(created.body.uuid))!;
    expect(record).toMatchObject({
      host_id: null,
      claim: null,
      counts_as_container: true,
      settled_generation: record.generation,
    });
    expect(hostUsageOf((await berth.stores.hosts.get(host!.id))!)).toEqual(hostBefore);
    // The Error record stays until deleted, holding one container of the quota and nothing else.
    expect((await berth.stores.quotas.getProject("demo")).usage).toEqual({
      ...quotaBefore,
      containers: quotaBefore.containers + 1,
    });
    const shown = (await berth.api("GET", `/v1/hosts/${host!.id}`)).body;
    expect({
      cpu_used: shown.cpu_used,
      mem_used: shown.mem_used,
      disk_used: shown.disk_used,
      total_containers: shown.total_containers,
    }).toEqual({
      cpu_used: host!.cpu_used_millis / 1000,
      mem_used: host!.mem_used,
      disk_used: host!.disk_used,
      total_containers: host!.total_containers,
    });

    const [action] = (await berth.api("GET", `/v1/containers/${created.body.uuid}/container_actions`)).body
      .containerActions;
    expect(action).toMatchObject({ action: "create", message: failed.status_reason });
    const events = (
      await berth.api("GET", `/v1/containers/${created.body.uuid}/container_actions/${action.request_id}`)
    ).body.events;
    expect(events.at(-1)).toMatchObject({
      event: "compute__do_container_create",
      result: "Error",
      traceback: failed.status_reason,
    });
    const recorded = (await berth.stores.actions.get(created.body.uuid, action.request_id))!;
    expect(recorded.events.at(-1)!.details).toEqual({ released_claim_on: host!.hostname });
    await expectAgreement(berth);

    // Deleting the failed container releases nothing twice.
    expect((await berth.api("DELETE", `/v1/containers/${created.body.uuid}`)).status).toBe(204);
    await berth.waitForGone(created.body.uuid);
    expect(hostUsageOf((await berth.stores.hosts.get(host!.id))!)).toEqual(hostBefore);
    expect((await berth.stores.quotas.getProject("demo")).usage).toEqual(quotaBefore);
  });
});
