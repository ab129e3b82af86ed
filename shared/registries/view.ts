import type { RegistryRecord } from "../model/registry.ts";

/** What the API shows of a registry: never the password. */
export function registryView(registry: RegistryRecord, base: string) {
  const { uuid, name, domain, username, project_id, user_id, created_at, updated_at } = registry;
  return {
    uuid,
    name,
    domain,
    username,
    project_id,
    user_id,
    created_at,
    updated_at,
    links: [{ href: `${base}/v1/registries/${uuid}`, rel: "self" }],
  };
}
