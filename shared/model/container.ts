import type { HostMessage } from "../queue/host-messages.ts";
import type { Status, TaskState } from "./container-status.ts";
import type { Mount, MountSpec } from "./mount.ts";

export interface RestartPolicy {
  Name: "no" | "always" | "on-failure" | "unless-stopped";
  MaximumRetryCount: number;
}

export interface Healthcheck {
  cmd: string;
  interval: number;
  retries: number;
  timeout: number;
}

/** What a user asked for: the validated create body. */
export interface ContainerSpec {
  name: string;
  image: string;
  command: string[] | null;
  entrypoint: string[] | null;
  cpu: number;
  /** Zun's cpu_policy: `dedicated` pins the container to `cpu` whole cores of its host (absent: shared). */
  cpu_policy?: "shared" | "dedicated";
  /** MiB */
  memory: number;
  /** GiB */
  disk: number;
  environment: Record<string, string>;
  labels: Record<string, string>;
  workdir: string | null;
  hostname: string | null;
  runtime: string | null;
  availability_zone: string | null;
  image_pull_policy: "never" | "always" | "ifnotpresent";
  image_driver: "docker";
  restart_policy: RestartPolicy | null;
  interactive: boolean;
  tty: boolean;
  auto_remove: boolean;
  auto_heal: boolean;
  privileged: boolean;
  hints: Record<string, string>;
  healthcheck: Healthcheck | null;
  exposed_ports: Record<string, Record<string, never>>;
  /** Admin only: place on this host (the create body's `host`). */
  requested_host: string | null;
  /**
   * Admin only: the host came from `availability_zone` (`zone:host[:node]`),
   * Nova's forced host, which skips the filters of preference (forced-host.ts).
   */
  forced_host?: boolean;
  /** The hosts a create of it failed on, passed over when the create is tried on another (Nova's retry filter). */
  tried_hosts?: string[];
  mounts: MountSpec[];
  /** A stored registry's name or uuid, whose credentials pull the image. */
  registry: string | null;
}

/** The resources a placed container holds on its host; released exactly once. */
export interface Claim {
  cpuMillis: number;
  memory: number;
  disk: number;
  /** Host ports its exposed_ports need (absent on records made before ports were claimed). */
  ports?: number;
  /** How many containers the claim is for: a capsule's holds all of them (absent: one). */
  containers?: number;
  /** The host's cores a dedicated container is pinned to (absent: none). */
  cores?: number[];
}

/** A container as stored in the table (with its in-flight work, while there is some). */
/**
 * What a container record carries while a request's work is in flight: the
 * message that asked for it, so it can be sent again, from the moment a request
 * is accepted until its operation settles.
 */
export interface PendingWork {
  pending_message: HostMessage;
  /** How many times the reconciler has sent the message again. */
  pending_retries: number;
}

export interface ContainerRecord extends Omit<ContainerSpec, "mounts">, Partial<PendingWork> {
  /** Its mounts, each volume resolved to the Berth volume it uses. */
  mounts: Mount[];
  /** The stored registry whose credentials pull its image. */
  registry_id?: string | null;
  uuid: string;
  project_id: string;
  user_id: string;
  status: Status;
  status_reason: string | null;
  /** Docker's health check verdict (healthy, unhealthy, starting), when the container has one. */
  status_detail?: string | null;
  /** While `Unknown` (its host went down): the status it had before, so a host that comes back knows what was wanted. */
  status_before_unknown?: Status | null;
  /** How often Docker's restart policy has restarted it. */
  restart_count?: number;
  task_state: TaskState | null;
  /** The Berth host id it is placed on, or null when placement failed. */
  host_id: string | null;
  host: string | null;
  claim: Claim | null;
  /** The server group it holds a place in, with its claim (the place goes when the claim does). */
  group_id?: string | null;
  /**
   * True on a record that is on no host yet still holds one container of its
   * project's quota (a create that found no host, one failed before it
   * started): a member cannot pile up Error containers past the limit, and
   * the delete gives the one container back.
   */
  counts_as_container?: boolean;
  /** Docker's id for it, once created. */
  container_id: string | null;
  /** The host port each exposed port is published on, e.g. {"80/tcp": 30123}. */
  published_ports?: Record<string, number>;
  /** Its IPs by the Docker network (its project's) they are on, as Docker last reported them. */
  addresses?: Record<string, NetworkAddress[]> | null;
  /** Bumped by every accepted request; a status write for an older generation is ignored. */
  generation: number;
  /** The generation whose operation has finished; redelivered work for it is ignored. */
  settled_generation: number;
  created_at: string;
  updated_at: string;
}

/** One of a container's addresses, in Zun's shape; `port` is Docker's endpoint id, Berth's stand-in for a Neutron port. */
export interface NetworkAddress {
  addr: string;
  version: 4 | 6;
  port: string | null;
  preserve_on_delete: boolean;
  subnet_id: string | null;
}

export function claimOf(spec: Pick<ContainerSpec, "cpu" | "memory" | "disk" | "exposed_ports">): Claim {
  return {
    cpuMillis: Math.round(spec.cpu * 1000),
    memory: spec.memory,
    disk: spec.disk,
    ports: Object.keys(spec.exposed_ports).length,
  };
}
