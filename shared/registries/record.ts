/** Credentials for a private registry; the password is only ever stored sealed. */
export interface RegistryRecord {
  uuid: string;
  name: string;
  domain: string;
  username: string;
  password_sealed: string;
  project_id: string;
  user_id: string;
  created_at: string;
  updated_at: string;
}

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
