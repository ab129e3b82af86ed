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
