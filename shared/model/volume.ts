/** A Berth volume: a Docker volume on one host, with a lifecycle of its own. */
export interface VolumeRecord {
  uuid: string;
  name: string;
  project_id: string;
  host_id: string;
  /** GiB, claimed on the host's disk and the project's disk quota. */
  size: number;
  /** The container that made it, while that container exists. */
  container_uuid: string | null;
  /** Removed with its container (true), or kept when the container is deleted (false). */
  auto_remove: boolean;
  created_at: string;
}
