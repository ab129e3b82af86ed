import { afterEach, describe, expect, it, vi } from "vitest";
import { UnauthorizedError } from "../../../shared/errors.ts";
import type { HttpContext, HttpEvent } from "../../../shared/http/context.ts";
import { authenticate } from "../../../shared/http/middleware/authenticate.ts";
import { injectDependencies } from "../../../shared/http/middleware/inject-dependencies.ts";

const BASE = { BERTH_TABLE: "berth-unit", BERTH_QUEUE_PREFIX: "berth-unit" };
const LOCAL = { ...BASE, BERTH_LOCAL_DEV_TOKENS: "1" };
const JWT = {
  BERTH_JWT_ISSUER: "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_unit",
  BERTH_JWT_AUDIENCE: "unit-client",
};
const IN_LAMBDA = { AWS_LAMBDA_FUNCTION_NAME: "berth-prod-listContainers" };
const OBJECT_MEMBERS = ["constructor", "__proto__", "toString", "valueOf", "hasOwnProperty", "__lookupGetter__"];

/** Runs the middleware as middy would (dependencies, then authentication), in an environment of exactly these variables. */
async function callerFor(token: string, environment: Record<string, string>): Promise<HttpContext["caller"]> {
  for (const name of Object.keys(process.env))
    if (name.startsWith("BERTH_") || name.startsWith("AWS_LAMBDA_")) vi.stubEnv(name, undefined);
  for (const [name, value] of Object.entries(environment)) vi.stubEnv(name, value);
  const request = {
    event: { headers: { "x-auth-token": token } } as unknown as HttpEvent,
    context: {} as HttpContext,
    response: undefined,
    error: undefined,
    internal: {},
  };
  await injectDependencies().before!(request as never);
  await authenticate().before!(request as never);
  return request.context.caller;
}

afterEach(() => vi.unstubAllEnvs());

describe("dev tokens exist only in the local stack", () => {
  it("are refused when the local-only switch is not on", async () => {
    await expect(callerFor("berth-dev-admin", BASE)).rejects.toBeInstanceOf(UnauthorizedError);
    await expect(callerFor("berth-dev-admin", { ...BASE, BERTH_LOCAL_DEV_TOKENS: "0" })).rejects.toBeInstanceOf(
      UnauthorizedError,
    );
  });

  it("resolve to the README's identities when the local stack turns them on", async () => {
    await expect(callerFor("berth-dev-admin", LOCAL)).resolves.toEqual({
      projectId: "demo",
      userId: "admin",
      roles: ["admin", "member"],
    });
    await expect(callerFor("berth-dev-member", LOCAL)).resolves.toEqual({
      projectId: "demo",
      userId: "member",
      roles: ["member"],
    });
  });

  it("refuses BERTH_DEV_TOKENS without the switch, rather than ignoring it", async () => {
    const tokens = JSON.stringify({ "my-token": { projectId: "p", userId: "u", roles: ["member"] } });
    await expect(callerFor("my-token", { ...BASE, BERTH_DEV_TOKENS: tokens })).rejects.toThrow(
      /BERTH_DEV_TOKENS.*BERTH_LOCAL_DEV_TOKENS/,
    );
    await expect(callerFor("my-token", { ...LOCAL, BERTH_DEV_TOKENS: tokens })).resolves.toMatchObject({
      projectId: "p",
    });
  });

  it("refuses to run in Lambda with the switch on, even with JWTs configured", async () => {
    await expect(callerFor("berth-dev-admin", { ...LOCAL, ...JWT, ...IN_LAMBDA })).rejects.toThrow(/local stack only/);
    await expect(
      callerFor("berth-dev-admin", { ...BASE, ...JWT, ...IN_LAMBDA, BERTH_DEV_TOKENS: "{}" }),
    ).rejects.toThrow(/local stack only/);
  });

  it("refuses to run in Lambda without an identity provider, naming what to set", async () => {
    await expect(callerFor("berth-dev-admin", { ...BASE, ...IN_LAMBDA })).rejects.toThrow(/BERTH_JWT_ISSUER/);
  });

  it("in Lambda with an identity provider, takes no dev token", async () => {
    await expect(callerFor("berth-dev-admin", { ...BASE, ...JWT, ...IN_LAMBDA })).rejects.toBeInstanceOf(
      UnauthorizedError,
    );
  });

  it("rejects an unknown value of the switch", async () => {
    await expect(callerFor("berth-dev-admin", { ...BASE, BERTH_LOCAL_DEV_TOKENS: "yes please" })).rejects.toThrow(
      /BERTH_LOCAL_DEV_TOKENS/,
    );
  });
});

describe("tokens named like members of a plain object", () => {
  it.each(OBJECT_MEMBERS)("%s is not a dev token", async (token) => {
    await expect(callerFor(token, LOCAL)).rejects.toBeInstanceOf(UnauthorizedError);
  });

  it.each(OBJECT_MEMBERS)("%s is not a token when JWTs are configured", async (token) => {
    await expect(callerFor(token, { ...LOCAL, ...JWT })).rejects.toBeInstanceOf(UnauthorizedError);
  });

  it("a BERTH_DEV_TOKENS map with a __proto__ entry holds it as an ordinary token", async () => {
    const tokens = '{"__proto__": {"projectId": "p", "userId": "u", "roles": ["member"]}}';
    await expect(callerFor("__proto__", { ...LOCAL, BERTH_DEV_TOKENS: tokens })).resolves.toEqual({
      projectId: "p",
      userId: "u",
      roles: ["member"],
    });
    await expect(callerFor("constructor", { ...LOCAL, BERTH_DEV_TOKENS: tokens })).rejects.toBeInstanceOf(
      UnauthorizedError,
    );
  });
});

describe("BERTH_DEV_TOKENS entries must have an identity's shape", () => {
  it.each([
    ["a number for a project", { projectId: 7, userId: "u", roles: [] }],
    ["an empty user", { projectId: "p", userId: "", roles: [] }],
    ["a role that is not a string", { projectId: "p", userId: "u", roles: [{ name: "admin" }] }],
    ["roles as a string", { projectId: "p", userId: "u", roles: "admin" }],
    ["no identity at all", "admin"],
  ])("refuses %s", async (_title, identity) => {
    await expect(callerFor("t", { ...LOCAL, BERTH_DEV_TOKENS: JSON.stringify({ t: identity }) })).rejects.toThrow(
      /BERTH_DEV_TOKENS entry/,
    );
  });

  it("refuses a map that is not a JSON object", async () => {
    await expect(callerFor("t", { ...LOCAL, BERTH_DEV_TOKENS: '["t"]' })).rejects.toThrow(/BERTH_DEV_TOKENS/);
  });
});
