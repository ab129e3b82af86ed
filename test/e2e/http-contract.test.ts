import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { type CryptoKey, exportJWK, generateKeyPair, SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SLEEPER, TEST_IMAGE } from "../../local/test-image.ts";
import { startBerth, type TestBerth } from "../helpers/berth.ts";

let berth: TestBerth;
let jwks: Server;
let issuer: string;
let signingKey: CryptoKey;

beforeAll(async () => {
  const pair = await generateKeyPair("RS256", { extractable: true });
  signingKey = pair.privateKey;
  const keys = JSON.stringify({
    keys: [{ ...(await exportJWK(pair.publicKey)), kid: "k1", alg: "RS256", use: "sig" }],
  });
  jwks = createServer(
    (_request, response) => void response.writeHead(200, { "content-type": "application/json" }).end(keys),
  );
  await new Promise<void>((resolve) => jwks.listen(0, "127.0.0.1", resolve));
  issuer = `http://127.0.0.1:${(jwks.address() as AddressInfo).port}`;
  berth = await startBerth({
    callers: { "berth-dev-admin": { projectId: "demo", userId: "admin", roles: ["admin"] } },
    environment: {
      BERTH_JWT_ISSUER: issuer,
      BERTH_JWT_AUDIENCE: "berth-contract-client",
      BERTH_HOST_ANSWER_SECONDS: "2",
    },
  });
});
afterAll(async () => {
  await berth?.stop();
  jwks?.close();
});

async function raw(method: string, path: string, headers: Record<string, string> = {}, body?: string) {
  const response = await fetch(`${berth.stack.apiUrl}${path}`, {
    method,
    headers: { "x-auth-token": "berth-dev-admin", ...headers },
    body,
    redirect: "manual",
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined };
}

describe("versions", () => {
  it("GET / describes v1 with its microversion window, without a token", async () => {
    const response = await fetch(`${berth.stack.apiUrl}/`);
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body.versions).toEqual([
      expect.objectContaining({ id: "v1", status: "CURRENT", min_version: "1.1", max_version: "1.40" }),
    ]);
  });

  it.each([
    ["container 1.40", 200, "container 1.40"],
    ["container 1.25", 200, "container 1.25"],
    ["container latest", 200, "container 1.40"],
    [undefined, 200, "container 1.20"],
    ["container 1.19", 200, "container 1.19"],
    ["container 1.1", 200, "container 1.1"],
    ["container 1.0", 406, undefined],
    ["container 1.41", 406, undefined],
    ["container 2.0", 406, undefined],
    ["compute 1.40", 406, undefined],
    ["container one", 406, undefined],
  ])("OpenStack-API-Version %s → %i", async (header, status, echoed) => {
    const response = await raw("GET", "/v1/containers", header ? { "openstack-api-version": header } : {});
    expect(response.status).toBe(status);
    if (echoed) expect(response.headers.get("openstack-api-version")).toBe(echoed);
    else expect(response.body.errors[0]).toMatchObject({ status: 406, title: "Not Acceptable" });
  });
});

describe("routing", () => {
  it("a wrong method on a known path is a 405 in Zun's format", async () => {
    const response = await raw("PUT", "/v1/containers");
    expect(response.status).toBe(405);
    expect(response.body.errors[0].detail).toContain("allowed: POST, GET");
  });

  it("a trailing slash is redirected to the route, keeping the query", async () => {
    const response = await raw("GET", "/v1/containers/?limit=2");
    expect(response.status).toBe(301);
    expect(response.headers.get("location")).toBe(`${berth.stack.apiUrl}/v1/containers?limit=2`);
  });

  it("Neutron and interactive routes are refused with a 501 that says why", async () => {
    const created = await berth.api("POST", "/v1/containers", { body: { image: TEST_IMAGE, memory: 16, cpu: 0.1 } });
    const attach = await berth.api("POST", `/v1/containers/${created.body.uuid}/network_attach?network=x`);
    expect(attach.status).toBe(501);
    expect(attach.body.errors[0].detail).toMatch(/Neutron networks are not supported/);
    await berth.waitForContainer(created.body.uuid, (c) => c.status === "Created");
    await berth.api("DELETE", `/v1/containers/${created.body.uuid}`);
  });
});

describe("authentication", () => {
  const sign = (claims: Record<string, unknown>, options: { expiresIn?: number } = {}) =>
    new SignJWT({ token_use: "id", ...claims })
      .setProtectedHeader({ alg: "RS256", kid: "k1" })
      .setSubject("carol")
      .setIssuer(issuer)
      .setAudience("berth-contract-client")
      .setIssuedAt()
      .setExpirationTime(Math.floor(Date.now() / 1000) + (options.expiresIn ?? 600))
      .sign(signingKey);

  it("accepts a JWT from the configured issuer, as a bearer token or X-Auth-Token", async () => {
    const token = await sign({ "custom:project_id": "jwt-project", "cognito:groups": ["member"] });
    const viaBearer = await fetch(`${berth.stack.apiUrl}/v1/containers`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(viaBearer.status).toBe(200);
    const viaHeader = await berth.api("GET", "/v1/containers", { token });
    expect(viaHeader.status).toBe(200);
  });

  it("refuses an expired JWT and one without a project, with 401", async () => {
    for (const token of [await sign({ "custom:project_id": "p" }, { expiresIn: -120 }), await sign({})]) {
      const response = await berth.api("GET", "/v1/containers", { token });
      expect(response.status).toBe(401);
      expect(response.body.errors[0].status).toBe(401);
    }
  });
});

describe("idempotent create", () => {
  it("five concurrent retries with one Idempotency-Key create one container", async () => {
    const body = JSON.stringify({ name: "only-once", image: TEST_IMAGE, command: SLEEPER, memory: 16, cpu: 0.1 });
    const headers = {
      "idempotency-key": "retry-1",
      "content-type": "application/json",
      "openstack-api-version": "container 1.40",
    };
    const responses = await Promise.all(
      Array.from({ length: 5 }, () => raw("POST", "/v1/containers?run=true", headers, body)),
    );
    expect(responses.map((r) => r.status)).toEqual([202, 202, 202, 202, 202]);
    expect(new Set(responses.map((r) => r.body.uuid)).size).toBe(1);
    const listed = await berth.api("GET", "/v1/containers?name=only-once");
    expect(listed.body.containers).toHaveLength(1);

    const different = await raw(
      "POST",
      "/v1/containers?run=true",
      headers,
      JSON.stringify({ name: "other", image: TEST_IMAGE }),
    );
    expect(different.status).toBe(409);
    expect(different.body.errors[0].code).toBe("idempotency_key_reused");
  });
});

describe("operations that need the host's answer", () => {
  it("504 when the host does not answer in time, 409 naming the host when it is down; nothing hangs", async () => {
    const created = await berth.api("POST", "/v1/containers?run=true", {
      body: { name: "quiet", image: TEST_IMAGE, command: SLEEPER, memory: 16, cpu: 0.1 },
    });
    await berth.waitForContainer(created.body.uuid, (c) => c.status === "Running");
    const agent = berth.stack.agents[0]!;
    agent.kill("SIGSTOP");
    try {
      const started = Date.now();
      const timedOut = await berth.api("GET", `/v1/containers/${created.body.uuid}/logs`);
      expect(timedOut.status).toBe(504);
      expect(Date.now() - started).toBeLessThan(10_000);

      const [host] = await berth.stores.hosts.list();
      await berth.stores.hosts.heartbeat(host!.id, Date.now() - 3600_000);
      const down = await berth.api("GET", `/v1/containers/${created.body.uuid}/logs`);
      expect(down.status).toBe(409);
      expect(down.body.errors[0].detail).toContain(`Host ${host!.hostname} is down`);

      const shown = await berth.api("GET", `/v1/containers/${created.body.uuid}`);
      expect(shown.status).toBe(200);
      expect(shown.body.status).toBe("Running");
    } finally {
      agent.kill("SIGCONT");
    }
  });
});
