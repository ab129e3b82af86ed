import { BadRequestError } from "../errors.ts";
import type { IssuedToken, PasswordCredentials } from "./password-login.ts";

/** Keystone's identity API version Berth's endpoint speaks (v3.14: Queens and later, as keystoneauth expects). */
const V3 = "v3.14";
const DOMAIN = { id: "default", name: "Default" };

/** The v3 version document, as keystoneauth's discovery reads it at the auth URL. */
export function v3Version(identityUrl: string) {
  return {
    id: V3,
    status: "stable",
    updated: "2020-04-07T00:00:00Z",
    links: [{ rel: "self", href: `${identityUrl}/v3/` }],
    "media-types": [{ base: "application/json", type: "application/vnd.openstack.identity-v3+json" }],
  };
}

/**
 * Reads a v3 `POST /auth/tokens` body: the password method only, the user by
 * name (or id), scoped to a project by name or id. Domains are accepted and
 * not checked: Berth has one.
 */
export function passwordCredentialsOf(body: unknown): PasswordCredentials {
  const auth = objectAt(body, "auth");
  const identity = objectAt(auth, "identity");
  const methods = identity.methods;
  if (!Array.isArray(methods) || !methods.includes("password"))
    throw new BadRequestError("auth.identity.methods: only the password method is offered");
  const user = objectAt(objectAt(identity, "password"), "user");
  const username = typeof user.name === "string" ? user.name : typeof user.id === "string" ? user.id : undefined;
  if (!username || typeof user.password !== "string")
    throw new BadRequestError("auth.identity.password.user needs a name (or id) and a password");
  const scope = auth.scope;
  let project: string | undefined;
  if (scope !== undefined && scope !== null) {
    const scoped = objectAt(auth, "scope").project as Record<string, unknown> | undefined;
    if (!scoped || typeof scoped !== "object") throw new BadRequestError("auth.scope: only a project scope is offered");
    project = typeof scoped.name === "string" ? scoped.name : typeof scoped.id === "string" ? scoped.id : undefined;
    if (!project) throw new BadRequestError("auth.scope.project needs a name or an id");
  }
  return { username, password: user.password, project };
}

/** The token's body: who it is for, scoped to their project, with a catalog whose `container` service is Berth's API. */
export function tokenBody(issued: IssuedToken, apiUrl: string, region: string) {
  const { identity } = issued;
  const project = { id: identity.projectId, name: identity.projectId, domain: DOMAIN };
  const endpoint = (service: string, url: string) => ({
    id: `${service}-public`,
    interface: "public",
    region,
    region_id: region,
    url,
  });
  return {
    token: {
      methods: ["password"],
      user: { id: identity.userId, name: identity.userId, domain: DOMAIN, password_expires_at: null },
      project,
      is_domain: false,
      roles: identity.roles.map((role) => ({ id: role, name: role })),
      issued_at: new Date().toISOString(),
      expires_at: issued.expiresAt.toISOString(),
      audit_ids: [],
      catalog: [
        { id: "berth-container", type: "container", name: "zun", endpoints: [endpoint("container", `${apiUrl}/v1`)] },
        {
          id: "berth-identity",
          type: "identity",
          name: "keystone",
          endpoints: [endpoint("identity", `${apiUrl}/identity/v3`)],
        },
      ],
    },
  };
}

function objectAt(parent: unknown, field: string): Record<string, unknown> {
  const value = parent && typeof parent === "object" ? (parent as Record<string, unknown>)[field] : undefined;
  if (!value || typeof value !== "object" || Array.isArray(value))
    throw new BadRequestError(`${field} must be an object in a Keystone v3 auth body`);
  return value as Record<string, unknown>;
}
