import { createRemoteJWKSet, errors, type JWTPayload, jwtVerify, type RemoteJWKSet } from "jose";
import { positiveNumber } from "../env-values.ts";
import { UnauthorizedError } from "../errors.ts";
import type { Identity } from "./identity.ts";

/** Cognito's `token_use`: what a token is for. Refresh tokens are never JWTs a caller may present. */
export type TokenUse = "access" | "id";
const TOKEN_USES: readonly TokenUse[] = ["access", "id"];

/** Cognito's longest lifetime of an access or ID token. */
const DEFAULT_MAX_AGE_SECONDS = 86_400;

/**
 * Where bearer JWTs come from and which of their claims name the caller.
 * With Amazon Cognito, `issuer` is `https://cognito-idp.<region>.amazonaws.com/<pool id>`
 * and `audience` is the app client id.
 */
export interface JwtSettings {
  issuer: string;
  /** The app client the tokens must be for: an ID token's `aud` includes it, an access token's `client_id` is it. */
  audience: string;
  /** Defaults to `${issuer}/.well-known/jwks.json`. */
  jwksUrl?: string;
  /** Names the caller's project; default `custom:project_id`. */
  projectClaim: string;
  /** Names the caller's roles, as an array or a space/comma separated string; default `cognito:groups`. */
  rolesClaim: string;
  /** Names the caller; default `sub`. */
  userClaim: string;
  /** A token issued (`iat`) longer ago than this is refused, whatever its `exp`. */
  maxAgeSeconds: number;
  /** Which `token_use` values are accepted; a token without one is refused. */
  tokenUses: TokenUse[];
}

/** Tolerated clock skew between the issuer and this function. */
const CLOCK_TOLERANCE_SECONDS = 10;

/** One key set per URL for the life of the container, so warm invocations reuse fetched keys. */
const keySets = new Map<string, RemoteJWKSet>();

/** Reads JWT settings from the environment; undefined when BERTH_JWT_ISSUER is unset. */
export function readJwtSettings(env: NodeJS.ProcessEnv): JwtSettings | undefined {
  const issuer = env.BERTH_JWT_ISSUER || undefined;
  if (!issuer) return undefined;
  const jwksUrl = env.BERTH_JWT_JWKS_URL || defaultJwksUrl(issuer);
  if (!URL.canParse(jwksUrl))
    throw new Error(
      `configuration: the JWKS URL ${jwksUrl} is not a URL; set BERTH_JWT_ISSUER or BERTH_JWT_JWKS_URL to one`,
    );
  const audience = env.BERTH_JWT_AUDIENCE || undefined;
  if (!audience)
    throw new Error(
      "configuration: BERTH_JWT_ISSUER is set without BERTH_JWT_AUDIENCE; set it to the app client id, or any client of the issuer could call Berth",
    );
  return {
    issuer,
    audience,
    jwksUrl,
    projectClaim: env.BERTH_JWT_PROJECT_CLAIM || "custom:project_id",
    rolesClaim: env.BERTH_JWT_ROLES_CLAIM || "cognito:groups",
    userClaim: env.BERTH_JWT_USER_CLAIM || "sub",
    maxAgeSeconds: positiveNumber(env, "BERTH_JWT_MAX_AGE_SECONDS", DEFAULT_MAX_AGE_SECONDS),
    tokenUses: tokenUsesOf(env.BERTH_JWT_TOKEN_USE),
  };
}

function tokenUsesOf(raw: string | undefined): TokenUse[] {
  if (!raw) return [...TOKEN_USES];
  const uses = raw.split(/[\s,]+/).filter((use) => use !== "");
  const unknown = uses.filter((use) => !(TOKEN_USES as readonly string[]).includes(use));
  if (uses.length === 0 || unknown.length > 0)
    throw new Error(`configuration: BERTH_JWT_TOKEN_USE lists access and/or id, got ${raw}`);
  return [...new Set(uses)] as TokenUse[];
}

/**
 * Verifies the token's signature against the issuer's published keys, its
 * issuer, lifetime (`exp` and `iat` required, no older than the maximum age),
 * use and app client, then reads the caller's identity from its claims.
 * Throws UnauthorizedError saying why, never echoing the token.
 */
export async function verifyJwt(token: string, settings: JwtSettings): Promise<Identity> {
  const payload = await verifiedPayload(token, settings);
  checkUseAndClient(payload, settings);
  return {
    projectId: requiredClaim(payload, settings.projectClaim, "project"),
    userId: requiredClaim(payload, settings.userClaim, "user"),
    roles: rolesOf(payload[settings.rolesClaim]),
  };
}

async function verifiedPayload(token: string, settings: JwtSettings): Promise<JWTPayload> {
  try {
    const { payload } = await jwtVerify(token, keySetAt(settings.jwksUrl ?? defaultJwksUrl(settings.issuer)), {
      issuer: settings.issuer,
      requiredClaims: ["exp", "iat", "token_use"],
      maxTokenAge: settings.maxAgeSeconds,
      clockTolerance: CLOCK_TOLERANCE_SECONDS,
    });
    return payload;
  } catch (error) {
    throw new UnauthorizedError(whyRejected(error));
  }
}

function keySetAt(url: string): RemoteJWKSet {
  let keySet = keySets.get(url);
  if (!keySet) {
    keySet = createRemoteJWKSet(new URL(url));
    keySets.set(url, keySet);
  }
  return keySet;
}

function defaultJwksUrl(issuer: string): string {
  return `${issuer.replace(/\/+$/, "")}/.well-known/jwks.json`;
}

/** Says in the caller's terms why jose rejected the token. */
function whyRejected(error: unknown): string {
  if (error instanceof errors.JWTExpired) {
    return error.claim === "iat"
      ? "The token is older than this service accepts; sign in again."
      : "The token has expired; sign in again.";
  }
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.reason === "missing") return `The token is missing its ${error.claim} claim.`;
    if (error.claim === "iss") return "The token was issued by an issuer this service does not trust.";
    if (error.claim === "aud") return "The token was issued for a different audience.";
    if (error.claim === "nbf") return "The token is not valid yet.";
    return `The token's ${error.claim} claim is not valid.`;
  }
  if (
    error instanceof errors.JWSSignatureVerificationFailed ||
    error instanceof errors.JWKSNoMatchingKey ||
    error instanceof errors.JWKSMultipleMatchingKeys
  ) {
    return "The token has a bad signature: it is not signed by a key the issuer publishes.";
  }
  if (error instanceof errors.JOSEAlgNotAllowed || error instanceof errors.JOSENotSupported) {
    return "The token is signed with an algorithm this service does not accept.";
  }
  if (error instanceof errors.JWSInvalid || error instanceof errors.JWTInvalid)
    return "The token is not a well-formed JWT.";
  return "The token could not be checked: the issuer's signing keys could not be fetched.";
}

function requiredClaim(payload: JWTPayload, claim: string, what: string): string {
  const value = payload[claim];
  if (typeof value !== "string" || value.trim() === "")
    throw new UnauthorizedError(`The token is missing its ${what} claim (${claim}).`);
  return value.trim();
}

/**
 * An ID token names its app client in `aud`, a Cognito access token in
 * `client_id` (it has no `aud`); each is checked where its use puts it.
 */
function checkUseAndClient(payload: JWTPayload, settings: JwtSettings): void {
  const use = payload.token_use;
  if (typeof use !== "string" || !(settings.tokenUses as string[]).includes(use)) {
    throw new UnauthorizedError(`The token's token_use must be ${settings.tokenUses.join(" or ")}.`);
  }
  if (use === "id") {
    const audiences = Array.isArray(payload.aud) ? payload.aud : [payload.aud];
    if (!audiences.includes(settings.audience))
      throw new UnauthorizedError("The token was issued for a different audience.");
  } else if (payload.client_id !== settings.audience) {
    throw new UnauthorizedError(
      payload.client_id === undefined
        ? "The access token is missing its client_id claim."
        : "The token was issued to another app client.",
    );
  }
}

/** Roles exactly as the issuer names them, without repeats; a missing claim means no roles. */
function rolesOf(claim: unknown): string[] {
  const names = Array.isArray(claim)
    ? claim.filter((name) => typeof name === "string")
    : typeof claim === "string"
      ? claim.split(/[\s,]+/)
      : [];
  return [...new Set(names.filter((name) => name !== ""))];
}
