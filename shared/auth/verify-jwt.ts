import { createRemoteJWKSet, errors, jwtVerify, type JWTPayload, type RemoteJWKSet } from "jose";
import type { Identity } from "../config.ts";
import { UnauthorizedError } from "../errors.ts";

/**
 * Where bearer JWTs come from and which of their claims name the caller.
 * With Amazon Cognito, `issuer` is `https://cognito-idp.<region>.amazonaws.com/<pool id>`;
 * `audience` (the app client id) matches ID tokens only, as access tokens carry no `aud`.
 */
export interface JwtSettings {
  issuer: string;
  /** When set, a token's `aud` must include it; when unset, `aud` is not checked. */
  audience?: string;
  /** Defaults to `${issuer}/.well-known/jwks.json`. */
  jwksUrl?: string;
  /** Names the caller's project; default `custom:project_id`. */
  projectClaim: string;
  /** Names the caller's roles, as an array or a space/comma separated string; default `cognito:groups`. */
  rolesClaim: string;
  /** Names the caller; default `sub`. */
  userClaim: string;
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
  if (!URL.canParse(jwksUrl)) throw new Error(`configuration: the JWKS URL ${jwksUrl} is not a URL; set BERTH_JWT_ISSUER or BERTH_JWT_JWKS_URL to one`);
  const settings: JwtSettings = {
    issuer,
    jwksUrl,
    projectClaim: env.BERTH_JWT_PROJECT_CLAIM || "custom:project_id",
    rolesClaim: env.BERTH_JWT_ROLES_CLAIM || "cognito:groups",
    userClaim: env.BERTH_JWT_USER_CLAIM || "sub",
  };
  if (env.BERTH_JWT_AUDIENCE) settings.audience = env.BERTH_JWT_AUDIENCE;
  return settings;
}

/**
 * Verifies the token's signature against the issuer's published keys and its
 * issuer, audience and lifetime, then reads the caller's identity from its claims.
 * Throws UnauthorizedError saying why, never echoing the token.
 */
export async function verifyJwt(token: string, settings: JwtSettings): Promise<Identity> {
  const payload = await verifiedPayload(token, settings);
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
      ...(settings.audience ? { audience: settings.audience } : {}),
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
  if (error instanceof errors.JWTExpired) return "The token has expired; sign in again.";
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.reason === "missing") return `The token is missing its ${error.claim} claim.`;
    if (error.claim === "iss") return "The token was issued by an issuer this service does not trust.";
    if (error.claim === "aud") return "The token was issued for a different audience.";
    if (error.claim === "nbf") return "The token is not valid yet.";
    return `The token's ${error.claim} claim is not valid.`;
  }
  if (error instanceof errors.JWSSignatureVerificationFailed || error instanceof errors.JWKSNoMatchingKey || error instanceof errors.JWKSMultipleMatchingKeys) {
    return "The token has a bad signature: it is not signed by a key the issuer publishes.";
  }
  if (error instanceof errors.JOSEAlgNotAllowed || error instanceof errors.JOSENotSupported) {
    return "The token is signed with an algorithm this service does not accept.";
  }
  if (error instanceof errors.JWSInvalid || error instanceof errors.JWTInvalid) return "The token is not a well-formed JWT.";
  return "The token could not be checked: the issuer's signing keys could not be fetched.";
}

function requiredClaim(payload: JWTPayload, claim: string, what: string): string {
  const value = payload[claim];
  if (typeof value !== "string" || value.trim() === "") throw new UnauthorizedError(`The token is missing its ${what} claim (${claim}).`);
  return value.trim();
}

/** Roles as lowercase names, without repeats; a missing claim means no roles. */
function rolesOf(claim: unknown): string[] {
  const names = Array.isArray(claim) ? claim.filter((name) => typeof name === "string") : typeof claim === "string" ? claim.split(/[\s,]+/) : [];
  return [...new Set(names.map((name) => name.trim().toLowerCase()).filter((name) => name !== ""))];
}
