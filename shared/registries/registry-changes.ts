import { randomUUID } from "node:crypto";
import type { Identity } from "../auth/identity.ts";
import { InvalidFieldError } from "../errors.ts";
import type { RegistryRecord } from "../model/registry.ts";
import { registryPasswordContext, type SecretSettings, seal } from "./secret-box.ts";
import type { RegistryFields } from "./validate-registry.ts";

/** A new registry of the caller's project, its password sealed to it (and never shown again). */
export function newRegistry(fields: RegistryFields, caller: Identity, sealing: SecretSettings): RegistryRecord {
  const now = new Date().toISOString();
  const uuid = randomUUID();
  return {
    uuid,
    name: fields.name,
    domain: fields.domain,
    username: fields.username,
    password_sealed: seal(fields.password, sealing, registryPasswordContext({ project_id: caller.projectId, uuid })),
    project_id: caller.projectId,
    user_id: caller.userId,
    created_at: now,
    updated_at: now,
  };
}

/**
 * The registry with the fields given changed; a new password is sealed like
 * the first. Its credentials are not sent to a new domain without a password
 * given with it.
 */
export async function changedRegistry(
  registry: RegistryRecord,
  { password, ...fields }: Partial<RegistryFields>,
  sealing: () => Promise<SecretSettings>,
): Promise<RegistryRecord> {
  if (fields.domain !== undefined && fields.domain !== registry.domain && password === undefined)
    throw new InvalidFieldError(
      "registry.password",
      "is required to move a registry to another domain: its credentials are not sent to a new place without it",
    );
  const changed = { ...registry, ...fields, updated_at: new Date().toISOString() };
  if (password === undefined) return changed;
  return { ...changed, password_sealed: seal(password, await sealing(), registryPasswordContext(registry)) };
}
