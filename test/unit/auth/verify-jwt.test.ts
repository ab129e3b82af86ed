import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWTPayload } from "jose";
import { readJwtSettings, verifyJwt, type JwtSettings } from "../../../shared/auth/verify-jwt.ts";
import { UnauthorizedError } from "../../../shared/errors.ts";

const KID = "berth-test-key";
const AUDIENCE = "berth-app-client";

let server: Server;
let issuer: string;
let settings: JwtSettings;
let signingKey: CryptoKey;
let strangerKey: CryptoKey;

beforeAll(async () => {
  const pair = await generateKeyPair("RS256", { extractable: true });
  signingKey = pair.privateKey;
  strangerKey = (await generateKeyPair("RS256")).privateKey;
  const jwks = JSON.stringify({ keys: [{ ...(await exportJWK(pair.publicKey)), kid: KID, alg: "RS256", use: "sig" }] });
  server = createServer((request, response) => {
    if (request.url !== "/.well-known/jwks.json") return void response.writeHead(404).end();
    response.writeHead(200, { "content-type": "application/json" }).end(jwks);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // The JWKS URL is left to its default, so the tests also cover `${issuer}/.well-known/jwks.json`.
  settings = { issuer, audience: AUDIENCE, projectClaim: "custom:project_id", rolesClaim: "cognito:groups", userClaim: "sub" };
});

afterAll(async () => {
  await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
});

interface TokenOptions {
  claims?: JWTPayload;
  issuer?: string;
  audience?: string;
  expiresAt?: number;
  key?: CryptoKey;
  kid?: string;
}

/** A Cognito-like ID token for user-1 in project-1, valid for an hour unless told otherwise. */
function tokenWith(options: TokenOptions = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ "custom:project_id": "project-1", "cognito:groups": ["member"], ...options.claims })
    .setProtectedHeader({ alg: "RS256", kid: options.kid ?? KID })
    .setSubject("user-1")
    .setIssuer(options.issuer ?? issuer)
    .setAudience(options.audience ?? AUDIENCE)
    .setIssuedAt(now - 60)
    .setExpirationTime(options.expiresAt ?? now + 3600)
    .sign(options.key ?? signingKey);
}

async function expectRejected(token: string, phrase: RegExp, using: JwtSettings = settings): Promise<void> {
  const error = await verifyJwt(token, using).then(
    () => undefined,
    (rejection: unknown) => rejection,
  );
  expect(error).toBeInstanceOf(UnauthorizedError);
  expect(error).toMatchObject({ status: 401, message: expect.stringMatching(phrase) });
  expect((error as Error).message).not.toContain(token);
}

describe("verifyJwt", () => {
  it("resolves a valid token to the caller's identity", async () => {
    const identity = await verifyJwt(await tokenWith({ claims: { "cognito:groups": ["Admin", "Member"] } }), settings);
    expect(identity).toEqual({ projectId: "project-1", userId: "user-1", roles: ["admin", "member"] });
  });

  it("accepts roles as a space or comma separated string, lowercased without repeats", async () => {
    const identity = await verifyJwt(await tokenWith({ claims: { "cognito:groups": "Admin, member  Reader,admin" } }), settings);
    expect(identity.roles).toEqual(["admin", "member", "reader"]);
  });

  it("gives no roles when the roles claim is absent", async () => {
    const identity = await verifyJwt(await tokenWith({ claims: { "cognito:groups": undefined } }), settings);
    expect(identity.roles).toEqual([]);
  });

  it("reads the claims the settings name", async () => {
    const token = await tokenWith({ claims: { tenant: "project-2", username: "ada", scope: "Admin" } });
    const identity = await verifyJwt(token, { ...settings, projectClaim: "tenant", userClaim: "username", rolesClaim: "scope" });
    expect(identity).toEqual({ projectId: "project-2", userId: "ada", roles: ["admin"] });
  });

  it("accepts any audience when none is configured", async () => {
    const { audience: _unused, ...withoutAudience } = settings;
    await expect(verifyJwt(await tokenWith({ audience: "another-client" }), withoutAudience)).resolves.toMatchObject({ userId: "user-1" });
  });

  it("rejects an expired token and says it expired", async () => {
    await expectRejected(await tokenWith({ expiresAt: Math.floor(Date.now() / 1000) - 600 }), /expired/);
  });

  it("rejects a token from another issuer", async () => {
    await expectRejected(await tokenWith({ issuer: "https://issuer.invalid" }), /issuer/);
  });

  it("rejects a token for another audience", async () => {
    await expectRejected(await tokenWith({ audience: "another-client" }), /audience/);
  });

  it("rejects a token signed by another key under the published key id", async () => {
    await expectRejected(await tokenWith({ key: strangerKey }), /bad signature/);
  });

  it("rejects a token signed by a key the issuer does not publish", async () => {
    await expectRejected(await tokenWith({ key: strangerKey, kid: "stranger" }), /bad signature/);
  });

  it("rejects a token without the project claim", async () => {
    await expectRejected(await tokenWith({ claims: { "custom:project_id": undefined } }), /missing its project claim \(custom:project_id\)/);
  });

  it("rejects a token whose user claim is empty", async () => {
    await expectRejected(await tokenWith({ claims: { username: "" } }), /missing its user claim \(username\)/, { ...settings, userClaim: "username" });
  });

  it("rejects something that is not a JWT", async () => {
    await expectRejected("not-a-jwt", /not a well-formed JWT/);
  });

  it("rejects a token when the issuer's keys cannot be fetched", async () => {
    await expectRejected(await tokenWith(), /signing keys could not be fetched/, { ...settings, jwksUrl: await closedLoopbackUrl() });
  });
});

describe("readJwtSettings", () => {
  it("is undefined without BERTH_JWT_ISSUER", () => {
    expect(readJwtSettings({})).toBeUndefined();
    expect(readJwtSettings({ BERTH_JWT_ISSUER: "", BERTH_JWT_AUDIENCE: AUDIENCE })).toBeUndefined();
  });

  it("defaults the JWKS URL and the claims to Cognito's", () => {
    expect(readJwtSettings({ BERTH_JWT_ISSUER: "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_pool" })).toEqual({
      issuer: "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_pool",
      jwksUrl: "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_pool/.well-known/jwks.json",
      projectClaim: "custom:project_id",
      rolesClaim: "cognito:groups",
      userClaim: "sub",
    });
  });

  it("takes every setting from the environment", () => {
    expect(
      readJwtSettings({
        BERTH_JWT_ISSUER: "https://id.example.test/",
        BERTH_JWT_AUDIENCE: AUDIENCE,
        BERTH_JWT_JWKS_URL: "https://keys.example.test/jwks",
        BERTH_JWT_PROJECT_CLAIM: "tenant",
        BERTH_JWT_ROLES_CLAIM: "roles",
        BERTH_JWT_USER_CLAIM: "email",
      }),
    ).toEqual({
      issuer: "https://id.example.test/",
      audience: AUDIENCE,
      jwksUrl: "https://keys.example.test/jwks",
      projectClaim: "tenant",
      rolesClaim: "roles",
      userClaim: "email",
    });
  });

  it("refuses a JWKS URL that is not a URL", () => {
    expect(() => readJwtSettings({ BERTH_JWT_ISSUER: "issuer", BERTH_JWT_JWKS_URL: "keys" })).toThrow(/BERTH_JWT_JWKS_URL/);
  });
});

/** A loopback URL nothing listens on: a port the kernel handed out and was given back. */
async function closedLoopbackUrl(): Promise<string> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return `http://127.0.0.1:${port}/.well-known/jwks.json`;
}
