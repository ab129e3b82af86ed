import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { TEST_IMAGE } from "../../local/test-image.ts";
import { ADMIN_TOKEN, startBerth, type TestBerth } from "../helpers/berth.ts";
import { openSession, upgradeStatus } from "../helpers/websocket-session.ts";

const PROJECT_B = "berth-test-project-b";
const TOKENS = {
  [ADMIN_TOKEN]: { projectId: "demo", userId: "admin", roles: ["admin", "member"] },
  [PROJECT_B]: { projectId: "project-b", userId: "bob", roles: ["member"] },
};

let berth: TestBerth;
beforeAll(async () => {
  berth = await startBerth({ callers: TOKENS });
});
afterAll(async () => {
  await berth?.stop();
});

/** Session limits are read when a session is issued or opened: each test sets its own and puts them back. */
const saved = { ...process.env };
afterEach(() => {
  for (const name of Object.keys(process.env))
    if (name.startsWith("BERTH_SESSION_") && saved[name] === undefined) delete process.env[name];
});

async function shell(token = ADMIN_TOKEN): Promise<string> {
  const created = await berth.api("POST", "/v1/containers?run=true", {
    token,
    body: { image: TEST_IMAGE, command: ["sh"], interactive: true, tty: true, cpu: 0.1, memory: 32 },
  });
  expect(created.status, JSON.stringify(created.body)).toBe(202);
  await berth.waitForContainer(created.body.uuid, (c) => c.status === "Running", 20_000, token);
  return created.body.uuid;
}

async function attachUrl(uuid: string, token = ADMIN_TOKEN): Promise<string> {
  const response = await berth.api("GET", `/v1/containers/${uuid}/attach`, { token });
  expect(response.status, JSON.stringify(response.body)).toBe(200);
  expect(response.body).toMatch(/^ws:\/\//);
  return response.body;
}

const sessionIdOf = (url: string) => new URL(url).searchParams.get("token")!.split(".")[0]!;

describe("session tokens", () => {
  it("open one session, once: a reused URL is refused, and nothing reaches the host for it", async () => {
    const uuid = await shell();
    const url = await attachUrl(uuid);
    const session = await openSession(url);
    session.send("echo first-$((20+1))\r");
    await session.waitFor("first-21");
    session.socket.close();
    await session.closed;
    expect(await upgradeStatus(url)).toBe(403);
  });

  it("expire unused after BERTH_SESSION_TOKEN_SECONDS", async () => {
    const uuid = await shell();
    process.env.BERTH_SESSION_TOKEN_SECONDS = "1";
    const url = await attachUrl(uuid);
    await sleep(1500);
    expect(await upgradeStatus(url)).toBe(403);
    const session = await berth.stores.sessions.get(sessionIdOf(url));
    expect(session?.client_connection, "an expired token opens nothing").toBeUndefined();
    expect(session?.agent_token_hash, "and the host was never asked to connect").toBeUndefined();
  });

  it("are bound to their container: project B's token does not open project A's container", async () => {
    const mine = await shell();
    const theirs = await shell(PROJECT_B);
    expect((await berth.api("GET", `/v1/containers/${mine}/attach`, { token: PROJECT_B })).status).toBe(404);
    const url = new URL(await attachUrl(theirs, PROJECT_B));
    url.searchParams.set("container", mine);
    expect(await upgradeStatus(url.toString())).toBe(403);
    const session = await berth.stores.sessions.get(sessionIdOf(url.toString()));
    expect(session?.agent_token_hash, "the host was never asked to connect").toBeUndefined();
    // The refusal did not use B's token up: for its own container it still opens.
    url.searchParams.set("container", theirs);
    const own = await openSession(url.toString());
    own.send("echo b-$((3*3))\r");
    await own.waitFor("b-9");
    own.socket.close();
  });

  it("are refused for a container that is not interactive", async () => {
    const created = await berth.api("POST", "/v1/containers?run=true", {
      body: { image: TEST_IMAGE, command: ["sleep", "600"], cpu: 0.1, memory: 16 },
    });
    await berth.waitForContainer(created.body.uuid, (c) => c.status === "Running");
    const refused = await berth.api("GET", `/v1/containers/${created.body.uuid}/attach`);
    expect(refused.status).toBe(409);
    expect(refused.body.errors[0].detail).toMatch(/not interactive/);
  });
});

describe("session limits", () => {
  it("close a session idle for BERTH_SESSION_IDLE_SECONDS, and record it in the action log", async () => {
    const uuid = await shell();
    process.env.BERTH_SESSION_IDLE_SECONDS = "1";
    const url = await attachUrl(uuid);
    const session = await openSession(url);
    const opened = Date.now();
    const closedAt = await Promise.race([session.closed, sleep(8000).then(() => 0)]);
    expect(closedAt, "the idle session was closed").toBeGreaterThan(0);
    expect(closedAt - opened).toBeGreaterThanOrEqual(900);
    const actions = await berth.api("GET", `/v1/containers/${uuid}/container_actions`);
    const attach = actions.body.containerActions.find((action: any) => action.action === "container_attach");
    const detail = await berth.api("GET", `/v1/containers/${uuid}/container_actions/${attach.request_id}`);
    expect(detail.body.events.map((event: any) => event.event)).toContain("compute__do_container_attach");
  });

  it("end a busy session at BERTH_SESSION_MAX_SECONDS", async () => {
    const uuid = await shell();
    process.env.BERTH_SESSION_MAX_SECONDS = "2";
    const session = await openSession(await attachUrl(uuid));
    const opened = Date.now();
    const typing = setInterval(() => session.socket.readyState === WebSocket.OPEN && session.send("\r"), 200);
    const closedAt = await Promise.race([session.closed, sleep(10_000).then(() => 0)]);
    clearInterval(typing);
    expect(closedAt, "the session was ended").toBeGreaterThan(0);
    expect(closedAt - opened).toBeGreaterThanOrEqual(1500);
  });

  it("hold a project to BERTH_SESSION_PROJECT_LIMIT sessions at once", async () => {
    const uuid = await shell(PROJECT_B);
    process.env.BERTH_SESSION_PROJECT_LIMIT = "1";
    // Project B's session from the binding test has ended; this one is its only one.
    const first = await openSession(await attachUrl(uuid, PROJECT_B));
    const second = await berth.api("GET", `/v1/containers/${uuid}/attach`, { token: PROJECT_B });
    expect(second.status).toBe(403);
    expect(second.body.errors[0].detail).toMatch(/interactive sessions.*limit is 1/);
    expect(
      (await berth.api("GET", `/v1/containers/${await shell()}/attach`)).status,
      "another project is not held to B's sessions",
    ).toBe(200);
    first.socket.close();
    await first.closed;
    await sleep(500);
    expect(
      (await berth.api("GET", `/v1/containers/${uuid}/attach`, { token: PROJECT_B })).status,
      "once it ends, another may open",
    ).toBe(200);
  });
});
