/** A Docker host as registered by its agent, with what Berth has claimed on it. */
export interface HostRecord {
  id: string;
  hostname: string;
  cpus: number;
  cpu_total_millis: number;
  cpu_used_millis: number;
  /** MiB */
  mem_total: number;
  mem_used: number;
  /** GiB */
  disk_total: number;
  disk_used: number;
  total_containers: number;
  /** The cores dedicated containers are pinned to (absent when none is); claimed and released with them. */
  pinned_cores?: Set<number>;
  /** Host ports Berth may publish containers' exposed ports on: [start, end]. */
  port_range_start?: number;
  port_range_end?: number;
  ports_total?: number;
  ports_used?: number;
  architecture: string;
  os_type: string;
  os: string;
  kernel_version: string;
  labels: Record<string, string>;
  runtimes: string[];
  availability_zone: string;
  queue_url: string;
  enabled: boolean;
  disabled_reason: string | null;
  /** An admin declared the host down (Zun's force_down), whatever its heartbeat says. */
  forced_down?: boolean;
  /** Epoch milliseconds of the last heartbeat. */
  heartbeat_at: number;
  /** Liveness as the reconciler last recorded it; `isHostUp` is the live answer. */
  state?: "up" | "down";
  registered_at: string;
  /**
   * What the host's Docker has that Berth has neither a record nor a
   * tombstone of: kept running, never removed, shown to admins (at most
   * UNKNOWN_LIST_CAP entries; the counts are the whole).
   */
  unknown_containers?: UnknownDockerThing[];
  unknown_container_count?: number;
  unknown_volumes?: UnknownDockerThing[];
  unknown_volume_count?: number;
  /**
   * The images the host's Docker has, by reference, each with its platform
   * (`os/architecture`), as its agent last saw them (at most IMAGE_LIST_CAP).
   */
  images?: Record<string, string>;
}

/** A Docker container or volume its host keeps although Berth has no record or tombstone of it. */
export interface UnknownDockerThing {
  /** The Berth uuid from its labels ("" when it has none). */
  uuid: string;
  /** Its Docker name. */
  name: string;
  /** A container's Docker id. */
  docker_id?: string;
  first_seen: string;
}

export const UNKNOWN_LIST_CAP = 50;

/** How many of its images a host lists: placement reads them with the host, so the item stays small. */
export const IMAGE_LIST_CAP = 200;

/** A platform as Docker's image inspect names it (`linux/amd64`), from what an engine or image says. */
export function platformName(os: string, architecture: string): string {
  const arch = { x86_64: "amd64", aarch64: "arm64", armv7l: "arm" }[architecture] ?? architecture;
  return `${os}/${arch}`;
}

/** The platform a host's containers run on. */
export function platformOf(host: Pick<HostRecord, "os_type" | "architecture">): string {
  return platformName(host.os_type, host.architecture);
}

export function isHostUp(host: Pick<HostRecord, "heartbeat_at">, downAfterSeconds: number, now = Date.now()): boolean {
  return now - host.heartbeat_at <= downAfterSeconds * 1000;
}
