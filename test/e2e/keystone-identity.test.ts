import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startBerth, type TestBerth } from "../helpers/berth.ts";

/** The minimal Keystone v3 endpoint the `zun` shell and `openstack` log in through (backed locally by the dev tokens). */
let berth: TestBerth;
beforeAll(async () => {
  berth = await startBerth();
});
afterAll(async () => {
  await berth?.stop();
});

/** A v3 password login as keystoneauth1's generic password plugin sends it. */
function passwordAuth(username: string, password: string, project: string) {
  return {
    auth: {
      identity: { methods: ["password"], password: { user: { name: username, domain: { id: "default" }, password } } },
      scope: { project: { name: project, domain: { id: "default" } } },
    },
  };
}

async function login(username: string, password: string, project: string) {
  const response = await fetch(`${berth.stack.apiUrl}/identity/v3/auth/tokens`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(passwordAuth(username, password, project)),
  });
  return { status: response.status, token: response.headers.get("x-subject-token"), body: await response.json() };
}

describe("Keystone v3 identity endpoint", () => {
  it("is discovered at the auth URL, as keystoneauth1 discovers it", async () => {
    const v3 = await fetch(`${berth.stack.apiUrl}/identity/v3`);
    expect(v3.status).toBe(200);
    const { version } = await v3.json();
    expect(version).toMatchObject({
      status: "stable",
      links: [{ rel: "self", href: `${berth.stack.apiUrl}/identity/v3/` }],
    });
    expect(version.id).toMatch(/^v3\.\d+$/);
    const root = await fetch(`${berth.stack.apiUrl}/identity`);
    expect(root.status).toBe(300);
    expect((await root.json()).versions.values).toEqual([version]);
  });

  it("logs a dev user in with its token as password, returning a token Berth accepts and a catalog pointing at Berth", async () => {
    const issued = await login("admin", "berth-dev-admin", "demo");
    expect(issued.status, JSON.stringify(issued.body)).toBe(201);
    expect(issued.token).toBe("berth-dev-admin");
    const { token } = issued.body;
    expect(token).toMatchObject({
      methods: ["password"],
      user: { id: "admin", name: "admin" },
      project: { id: "demo", name: "demo" },
    });
    expect(token.roles.map((role: { name: string }) => role.name)).toContain("admin");
    expect(Date.parse(token.expires_at)).toBeGreaterThan(Date.now());
    const container = token.catalog.find((service: { type: string }) => service.type === "container");
    expect(container.endpoints).toEqual([
      expect.objectContaining({ interface: "public", url: `${berth.stack.apiUrl}/v1` }),
    ]);

    const listed = await fetch(`${container.endpoints[0].url}/containers`, {
      headers: { "x-auth-token": issued.token! },
    });
    expect(listed.status).toBe(200);

    const member = await login("member", "berth-dev-member", "demo");
    expect(member.status).toBe(201);
    expect(member.body.token.roles.map((role: { name: string }) => role.name)).toEqual(["member"]);
  });

  it("refuses a wrong password, another user's token and a project the user is not in", async () => {
    for (const [username, password, project] of [
      ["admin", "wrong", "demo"],
      ["member", "berth-dev-admin", "demo"],
      ["admin", "berth-dev-admin", "other"],
    ] as const) {
      const refused = await login(username, password, project);
      expect(refused.status, `${username}/${project}`).toBe(401);
      expect(refused.token).toBeNull();
    }
    const otherMethod = await fetch(`${berth.stack.apiUrl}/identity/v3/auth/tokens`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ auth: { identity: { methods: ["token"], token: { id: "berth-dev-admin" } } } }),
    });
    expect(otherMethod.status).toBe(400);
  });
});
