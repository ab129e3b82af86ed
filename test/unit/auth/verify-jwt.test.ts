import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { type CryptoKey, exportJWK, generateKeyPair, type JWTPayload, SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type JwtSettings, readJwtSettings, verifyJwt } from "../../../shared/auth/verify-jwt.ts";
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
  settings = {
    issuer,
    audience: AUDIENCE,
    projectClaim: "custom:project_id",
    rolesClaim: "cognito:groups",
    userClaim: "sub",
    maxAgeSeconds: 86_400,
    tokenUses: ["access", "id"],
  };
});

afterAll(async () => {
  await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
});

interface TokenOptions {
  claims?: JWTPayload;
  issuer?: string;
  audience?: string;
  expiresAt?: number;
  issuedAt?: number;
  /** Registered claims to leave out of the token. */
  without?: Array<"exp" | "iat" | "aud">;
  key?: CryptoKey;
  kid?: string;
}

/** A Cognito-like ID token for user-1 in project-1, valid for an hour unless told otherwise. */
function tokenWith(options: TokenOptions = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const without = new Set(options.without ?? []);
  const jwt = new SignJWT({
    "custom:project_id": "project-1",
    "cognito:groups": ["member"],
    token_use: "id",
    ...options.claims,
  })
    .setProtectedHeader({ alg: "RS256", kid: options.kid ?? KID })
    .setSubject("user-1")
    .setIssuer(options.issuer ?? issuer);
  if (!without.has("aud")) jwt.setAudience(options.audience ?? AUDIENCE);
  if (!without.has("iat")) jwt.setIssuedAt(options.issuedAt ?? now - 60);
  if (!without.has("exp")) jwt.setExpirationTime(options.expiresAt ?? now + 3600);
  return jwt.sign(options.key ?? signingKey);
}

/** A Cognito-like access token: `client_id` and `token_use: access`, no `aud`. */
function accessTokenWith(claims: JWTPayload = {}): Promise<string> {
  return tokenWith({ without: ["aud"], claims: { token_use: "access", client_id: AUDIENCE, ...claims } });
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
    const identity = await verifyJwt(await tokenWith({ claims: { "cognito:groups": ["admin", "member"] } }), settings);
    expect(identity).toEqual({ projectId: "project-1", userId: "user-1", roles: ["admin", "member"] });
  });

  it("matches roles exactly: a group named Admin or ' admin' is not admin", async () => {
    const identity = await verifyJwt(
      await tokenWith({ claims: { "cognito:groups": ["Admin", "ADMIN", " admin", "member"] } }),
      settings,
    );
    expect(identity.roles).not.toContain("admin");
    expect(identity.roles).toContain("member");
  });

  it("accepts roles as a space or comma separated string, exactly as written, without repeats", async () => {
    const identity = await verifyJwt(
      await tokenWith({ claims: { "cognito:groups": "Admin, member  Reader,member" } }),
      settings,
    );
    expect(identity.roles).toEqual(["Admin", "member", "Reader"]);
  });

  it("gives no roles when the roles claim is absent", async () => {
    const identity = await verifyJwt(await tokenWith({ claims: { "cognito:groups": undefined } }), settings);
    expect(identity.roles).toEqual([]);
  });

  it("reads the claims the settings name", async () => {
    const token = await tokenWith({ claims: { tenant: "project-2", username: "ada", scope: "admin" } });
    const identity = await verifyJwt(token, {
      ...settings,
      projectClaim: "tenant",
      userClaim: "username",
      rolesClaim: "scope",
    });
    expect(identity).toEqual({ projectId: "project-2", userId: "ada", roles: ["admin"] });
  });

  it("accepts a Cognito access token whose client_id is the audience", async () => {
    await expect(verifyJwt(await accessTokenWith(), settings)).resolves.toEqual({
      projectId: "project-1",
      userId: "user-1",
      roles: ["member"],
    });
  });

  it("rejects an access token of another app client", async () => {
    await expectRejected(
      await accessTokenWith({ client_id: "another-client" }),
      /another app client|different audience/,
    );
  });

  it("rejects an access token without a client_id, whatever its aud", async () => {
    await expectRejected(await tokenWith({ claims: { token_use: "access" } }), /client_id/);
  });

  it("rejects an ID token whose client_id matches but whose aud does not", async () => {
    await expectRejected(await tokenWith({ audience: "another-client", claims: { client_id: AUDIENCE } }), /audience/);
  });

  it("rejects a token that never expires", async () => {
    await expectRejected(await tokenWith({ without: ["exp"] }), /exp/);
  });

  it("rejects a token without an issue time, as its age cannot be known", async () => {
    await expectRejected(await tokenWith({ without: ["iat"] }), /iat/);
  });

  it("rejects a token older than the maximum age, even before it expires", async () => {
    const now = Math.floor(Date.now() / 1000);
    await expectRejected(await tokenWith({ issuedAt: now - 7200, expiresAt: now + 3600 }), /older than/, {
      ...settings,
      maxAgeSeconds: 3600,
    });
  });

  it("rejects a token without token_use", async () => {
    await expectRejected(await tokenWith({ claims: { token_use: undefined } }), /token_use/);
  });

  it("rejects a refresh or unknown token_use, and a use the settings leave out", async () => {
    await expectRejected(await tokenWith({ claims: { token_use: "refresh" } }), /token_use/);
    await expectRejected(await accessTokenWith(), /token_use/, { ...settings, tokenUses: ["id"] });
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
    await expectRejected(
      await tokenWith({ claims: { "custom:project_id": undefined } }),
      /missing its project claim \(custom:project_id\)/,
    );
  });

  it("rejects a token whose user claim is empty", async () => {
    await expectRejected(await tokenWith({ claims: { username: "" } }), /missing its user claim \(username\)/, {
      ...settings,
      userClaim: "username",
    });
  });

  it("rejects something that is not a JWT", async () => {
    await expectRejected("not-a-jwt", /not a well-formed JWT/);
  });

  it("rejects a token when the issuer's keys cannot be fetched", async () => {
    await expectRejected(await tokenWith(), /signing keys could not be fetched/, {
      ...settings,
      jwksUrl: await closedLoopbackUrl(),
    });
  });
});

describe("readJwtSettings", () => {
  it("is undefined without BERTH_JWT_ISSUER", () => {
    expect(readJwtSettings({})).toBeUndefined();
    expect(readJwtSettings({ BERTH_JWT_ISSUER: "", BERTH_JWT_AUDIENCE: AUDIENCE })).toBeUndefined();
  });

  it("defaults the JWKS URL, the claims, the maximum age and the token uses to Cognito's", () => {
    expect(
      readJwtSettings({
        BERTH_JWT_ISSUER: "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_pool",
        BERTH_JWT_AUDIENCE: AUDIENCE,
      }),
    ).toEqual({
      issuer: "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_pool",
      audience: AUDIENCE,
      jwksUrl: "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_pool/.well-known/jwks.json",
      projectClaim: "custom:project_id",
      rolesClaim: "cognito:groups",
      userClaim: "sub",
      maxAgeSeconds: 86_400,
      tokenUses: ["access", "id"],
    });
  });

  it("refuses an issuer without an audience: any app client's tokens would do", () => {
    expect(() => readJwtSettings({ BERTH_JWT_ISSUER: "https://id.example.test" })).toThrow(/BERTH_JWT_AUDIENCE/);
  });

  it("refuses token uses other than access and id", () => {
    expect(() =>
      readJwtSettings({
        BERTH_JWT_ISSUER: "https://id.example.test",
        BERTH_JWT_AUDIENCE: AUDIENCE,
        BERTH_JWT_TOKEN_USE: "id,refresh",
      }),
    ).toThrow(/BERTH_JWT_TOKEN_USE/);
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
        BERTH_JWT_MAX_AGE_SECONDS: "3600",
        BERTH_JWT_TOKEN_USE: "id",
      }),
    ).toEqual({
      issuer: "https://id.example.test/",
      audience: AUDIENCE,
      jwksUrl: "https://keys.example.test/jwks",
      projectClaim: "tenant",
      rolesClaim: "roles",
      userClaim: "email",
      maxAgeSeconds: 3600,
      tokenUses: ["id"],
    });
  });

  it("refuses a JWKS URL that is not a URL", () => {
    expect(() =>
      readJwtSettings({ BERTH_JWT_ISSUER: "issuer", BERTH_JWT_AUDIENCE: AUDIENCE, BERTH_JWT_JWKS_URL: "keys" }),
    ).toThrow(/BERTH_JWT_JWKS_URL/);
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
