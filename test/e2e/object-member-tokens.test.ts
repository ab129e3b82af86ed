import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { type CryptoKey, exportJWK, generateKeyPair, SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN_TOKEN, startBerth, type TestBerth } from "../helpers/berth.ts";

/** Names every plain object answers to: none of them may count as a token. */
const OBJECT_MEMBER_TOKENS = [
  "constructor",
  "__proto__",
  "toString",
  "valueOf",
  "hasOwnProperty",
  "isPrototypeOf",
  "toLocaleString",
  "__defineGetter__",
];
const REGISTRY = { registry: { name: "sneaky", domain: "registry.example.test", username: "u", password: "p" } };

describe.each([["dev tokens"], ["dev tokens with JWTs configured"]])("tokens named like object members, %s", (mode) => {
  let berth: TestBerth;
  let jwks: Server | undefined;

  beforeAll(async () => {
    const environment: Record<string, string> = {};
    if (mode !== "dev tokens") {
      jwks = createServer(
        (_request, response) => void response.writeHead(200, { "content-type": "application/json" }).end('{"keys":[]}'),
      );
      await new Promise<void>((resolve) => jwks!.listen(0, "127.0.0.1", resolve));
      environment.BERTH_JWT_ISSUER = `http://127.0.0.1:${(jwks.address() as AddressInfo).port}`;
      environment.BERTH_JWT_AUDIENCE = "berth-e2e-client";
    }
    berth = await startBerth({ agents: 0, environment });
  });
  afterAll(async () => {
    await berth?.stop();
    jwks?.close();
  });

  it.each(OBJECT_MEMBER_TOKENS)("%s creates no registry: 401", async (token) => {
    const response = await berth.api("POST", "/v1/registries", { token, body: REGISTRY });
    expect(response.status).toBe(401);
    expect(response.body.errors[0].code).toBe("unauthorized");
  });

  it.each(OBJECT_MEMBER_TOKENS)("%s lists nothing: 401", async (token) => {
    expect((await berth.api("GET", "/v1/containers", { token })).status).toBe(401);
  });
});

describe("bearer JWTs through the HTTP API", () => {
  const AUDIENCE = "berth-e2e-client";
  let berth: TestBerth;
  let jwks: Server;
  let issuer: string;
  let key: CryptoKey;

  beforeAll(async () => {
    const pair = await generateKeyPair("RS256", { extractable: true });
    key = pair.privateKey;
    const body = JSON.stringify({
      keys: [{ ...(await exportJWK(pair.publicKey)), kid: "e2e", alg: "RS256", use: "sig" }],
    });
    jwks = createServer(
      (_request, response) => void response.writeHead(200, { "content-type": "application/json" }).end(body),
    );
    await new Promise<void>((resolve) => jwks.listen(0, "127.0.0.1", resolve));
    issuer = `http://127.0.0.1:${(jwks.address() as AddressInfo).port}`;
    berth = await startBerth({ agents: 0, environment: { BERTH_JWT_ISSUER: issuer, BERTH_JWT_AUDIENCE: AUDIENCE } });
  });
  afterAll(async () => {
    await berth?.stop();
    jwks?.close();
  });

  /** A Cognito-like ID token of a member of project-jwt. */
  function idToken(options: { expires?: boolean } = {}): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    const jwt = new SignJWT({ "custom:project_id": "project-jwt", "cognito:groups": ["member"], token_use: "id" })
      .setProtectedHeader({ alg: "RS256", kid: "e2e" })
      .setSubject("jwt-user")
      .setIssuer(issuer)
      .setAudience(AUDIENCE)
      .setIssuedAt(now - 5);
    if (options.expires !== false) jwt.setExpirationTime(now + 600);
    return jwt.sign(key);
  }

  it("a valid ID token lists the caller's project", async () => {
    const response = await berth.api("GET", "/v1/containers", { token: await idToken() });
    expect(response.status).toBe(200);
    expect(response.body.containers).toEqual([]);
  });

  it("a token that never expires is refused: 401", async () => {
    const response = await berth.api("GET", "/v1/containers", { token: await idToken({ expires: false }) });
    expect(response.status).toBe(401);
    expect(response.body.errors[0].detail).toMatch(/exp/);
  });

  it("the README's dev token is not accepted once JWTs are configured", async () => {
    expect((await berth.api("GET", "/v1/containers", { token: ADMIN_TOKEN })).status).toBe(401);
  });
});
