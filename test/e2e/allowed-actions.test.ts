import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SLEEPER, TEST_IMAGE } from "../../local/test-image.ts";
import { allowedStatuses } from "../../shared/model/lifecycle.ts";
import { startBerth, type TestBerth } from "../helpers/berth.ts";

let berth: TestBerth;
/** One container in each status this test can reach on demand. */
const inStatus: Record<string, string> = {};

beforeAll(async () => {
  berth = await startBerth();
  const create = async (name: string, run: boolean, extra: object = {}) =>
    (
      await berth.api("POST", `/v1/containers?run=${run}`, {
        body: { name, image: TEST_IMAGE, command: SLEEPER, cpu: 0.1, memory: 16, ...extra },
      })
    ).body.uuid as string;
  inStatus.Created = await create("created", false);
  inStatus.Running = await create("running", true);
  inStatus.Stopped = await create("stopped", true);
  inStatus.Paused = await create("paused", true);
  inStatus.Error = await create("error", true, { image: "berth-test/absent:1", image_pull_policy: "never" });
  await berth.waitForContainer(inStatus.Created, (c) => c.status === "Created" && !c.task_state);
  await berth.waitForContainer(inStatus.Error, (c) => c.status === "Error");
  for (const name of ["Running", "Stopped", "Paused"])
    await berth.waitForContainer(inStatus[name]!, (c) => c.status === "Running" && !c.task_state);
  await berth.api("POST", `/v1/containers/${inStatus.Stopped}/stop?timeout=0`);
  await berth.api("POST", `/v1/containers/${inStatus.Paused}/pause`);
  await berth.waitForContainer(inStatus.Stopped!, (c) => c.status === "Stopped" && !c.task_state);
  await berth.waitForContainer(inStatus.Paused!, (c) => c.status === "Paused" && !c.task_state);
});
afterAll(async () => {
  await berth?.stop();
});

/** Each guarded request, and the table row that says where it is allowed. */
const REQUESTS: Array<{
  name: string;
  allowedIn: readonly string[];
  send: (uuid: string) => Promise<{ status: number; body: any }>;
}> = [
  { name: "start", allowedIn: allowedStatuses("start"), send: (id) => berth.api("POST", `/v1/containers/${id}/start`) },
  { name: "stop", allowedIn: allowedStatuses("stop"), send: (id) => berth.api("POST", `/v1/containers/${id}/stop`) },
  { name: "pause", allowedIn: allowedStatuses("pause"), send: (id) => berth.api("POST", `/v1/containers/${id}/pause`) },
  {
    name: "unpause",
    allowedIn: allowedStatuses("unpause"),
    send: (id) => berth.api("POST", `/v1/containers/${id}/unpause`),
  },
  {
    name: "kill",
    allowedIn: allowedStatuses("kill"),
    send: (id) => berth.api("POST", `/v1/containers/${id}/kill?signal=SIGKILL`),
  },
  {
    name: "execute",
    allowedIn: allowedStatuses("execute"),
    send: (id) => berth.api("POST", `/v1/containers/${id}/execute?command=true&run=true`),
  },
  { name: "top", allowedIn: allowedStatuses("top"), send: (id) => berth.api("GET", `/v1/containers/${id}/top`) },
  { name: "stats", allowedIn: allowedStatuses("stats"), send: (id) => berth.api("GET", `/v1/containers/${id}/stats`) },
  {
    name: "reboot",
    allowedIn: allowedStatuses("reboot"),
    send: (id) => berth.api("POST", `/v1/containers/${id}/reboot`),
  },
  {
    name: "rebuild",
    allowedIn: allowedStatuses("rebuild"),
    send: (id) => berth.api("POST", `/v1/containers/${id}/rebuild`),
  },
  {
    name: "update",
    allowedIn: allowedStatuses("update"),
    send: (id) => berth.api("PATCH", `/v1/containers/${id}`, { body: { memory: 32 } }),
  },
  {
    name: "resize_container",
    allowedIn: allowedStatuses("update"),
    send: (id) => berth.api("POST", `/v1/containers/${id}/resize_container`, { body: { cpu: 0.2 } }),
  },
  {
    name: "commit",
    allowedIn: allowedStatuses("commit"),
    send: (id) => berth.api("POST", `/v1/containers/${id}/commit?repository=berth-test/never`),
  },
  {
    name: "get_archive",
    allowedIn: allowedStatuses("archive"),
    send: (id) => berth.api("GET", `/v1/containers/${id}/get_archive?path=/etc`),
  },
  {
    name: "put_archive",
    allowedIn: allowedStatuses("archive"),
    send: (id) => berth.api("POST", `/v1/containers/${id}/put_archive?path=/tmp`, { body: { data: "" } }),
  },
  { name: "logs", allowedIn: allowedStatuses("logs"), send: (id) => berth.api("GET", `/v1/containers/${id}/logs`) },
  { name: "delete", allowedIn: allowedStatuses("delete"), send: (id) => berth.api("DELETE", `/v1/containers/${id}`) },
  {
    name: "delete?stop",
    allowedIn: allowedStatuses("deleteWithStop"),
    send: (id) => berth.api("DELETE", `/v1/containers/${id}?stop=true`),
  },
  {
    name: "delete?force",
    allowedIn: allowedStatuses("deleteWithForce"),
    send: (id) => berth.api("DELETE", `/v1/containers/${id}?force=true`),
  },
];

const STATUSES = ["Created", "Running", "Stopped", "Paused", "Error"];
const REFUSALS = REQUESTS.flatMap((request) =>
  STATUSES.filter((status) => !request.allowedIn.includes(status)).map((status) => ({ ...request, status })),
);

describe("a request in a status that does not allow it is a 409 naming the status", () => {
  it.each(REFUSALS)("$name in $status", async ({ name, status, send }) => {
    const response = await send(inStatus[status]!);
    expect(response.status, JSON.stringify(response.body)).toBe(409);
    expect(response.body.errors[0].detail).toContain(status);
    expect(response.body.errors[0].detail).toMatch(
      new RegExp(name.split("?")[0]!.replace("_container", "").replace("update", "(update|resize)")),
    );
  });

  it("left every container as it was", async () => {
    for (const [status, uuid] of Object.entries(inStatus)) {
      const container = (await berth.api("GET", `/v1/containers/${uuid}`)).body;
      expect(container.status).toBe(status);
      expect(container.task_state).toBeNull();
    }
  });

  it("refuses a second request while a task is under way, naming the task", async () => {
    const uuid = inStatus.Running!;
    expect((await berth.api("POST", `/v1/containers/${uuid}/stop?timeout=3`)).status).toBe(202);
    const busy = await berth.api("POST", `/v1/containers/${uuid}/pause`);
    expect(busy.status).toBe(409);
    expect(busy.body.errors[0].detail).toContain("container_stopping");
    await berth.waitForContainer(uuid, (c) => c.status === "Stopped" && c.task_state === null);
  });
});
