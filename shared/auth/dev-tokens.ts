import { type Identity, isIdentity } from "./identity.ts";

/** The README's tokens: the local stack's, and only ever the local stack's. */
export const DEFAULT_DEV_TOKENS: Readonly<Record<string, Identity>> = Object.freeze({
  "berth-dev-admin": { projectId: "demo", userId: "admin", roles: ["admin", "member"] },
  "berth-dev-member": { projectId: "demo", userId: "member", roles: ["member"] },
});

/** The local-only switch; the local stack turns it on, nothing else should. */
export const DEV_TOKENS_SWITCH = "BERTH_LOCAL_DEV_TOKENS";

/** Whether the environment asks for dev tokens at all (the switch on, or a map of them given). */
export function asksForDevTokens(env: NodeJS.ProcessEnv): boolean {
  return switchIsOn(env) || Boolean(env.BERTH_DEV_TOKENS);
}

/**
 * Static token → identity map, for the local stack. Empty unless the switch is
 * on; then BERTH_DEV_TOKENS's map, or the README's two when no issuer of JWTs
 * is configured. A Map, so a token is only ever one of its own entries.
 */
export function readDevTokens(env: NodeJS.ProcessEnv, jwtConfigured: boolean): ReadonlyMap<string, Identity> {
  if (!switchIsOn(env)) {
    if (env.BERTH_DEV_TOKENS) {
      throw new Error(
        `configuration: BERTH_DEV_TOKENS is set but dev tokens are off; they work only in the local stack, which sets ${DEV_TOKENS_SWITCH}=1`,
      );
    }
    return new Map();
  }
  if (env.BERTH_DEV_TOKENS) return parseDevTokens(env.BERTH_DEV_TOKENS);
  return new Map(jwtConfigured ? [] : Object.entries(DEFAULT_DEV_TOKENS));
}

function switchIsOn(env: NodeJS.ProcessEnv): boolean {
  const value = (env[DEV_TOKENS_SWITCH] ?? "").trim().toLowerCase();
  if (value === "1" || value === "true") return true;
  if (value === "" || value === "0" || value === "false") return false;
  throw new Error(`configuration: ${DEV_TOKENS_SWITCH} must be 1 or 0, got ${env[DEV_TOKENS_SWITCH]}`);
}

function parseDevTokens(raw: string): Map<string, Identity> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new Error("configuration: BERTH_DEV_TOKENS is not JSON; give a map of token → {projectId, userId, roles}");
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
    throw new Error("configuration: BERTH_DEV_TOKENS must be a JSON object of token → {projectId, userId, roles}");
  }
  const tokens = new Map<string, Identity>();
  for (const [token, identity] of Object.entries(parsed)) {
    if (!isIdentity(identity)) {
      throw new Error(
        `configuration: BERTH_DEV_TOKENS entry for ${token.slice(0, 4)}… needs projectId and userId (non-empty strings) and roles (an array of strings)`,
      );
    }
    tokens.set(token, { projectId: identity.projectId, userId: identity.userId, roles: [...identity.roles] });
  }
  return tokens;
}
