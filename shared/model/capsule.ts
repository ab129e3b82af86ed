import type { Claim, NetworkAddress, RestartPolicy } from "./container.ts";
import type { Status } from "./container-status.ts";

/** One container of a capsule template, validated. */
export interface CapsuleContainerSpec {
  name: string;
  image: string;
  command: string[] | null;
  workdir: string | null;
  environment: Record<string, string>;
  cpu: number;
  /** MiB */
  memory: number;
  exposed_ports: Record<string, Record<string, never>>;
  image_pull_policy: "never" | "always" | "ifnotpresent";
  volume_mounts: Array<{ name: string; mount_path: string }>;
}

/** What a user asked for: the validated capsule template. */
export interface CapsuleSpec {
  name: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  restart_policy: RestartPolicy;
  availability_zone: string | null;
  init_containers: CapsuleContainerSpec[];
  containers: CapsuleContainerSpec[];
  /** Each becomes a Docker named volume the capsule's containers share, removed with the capsule. */
  volumes: Array<{ name: string }>;
}

/** A member container as the host last reported it. */
export interface CapsuleMember extends CapsuleContainerSpec {
  uuid: string;
  status: Status;
  status_reason: string | null;
  container_id: string | null;
  exit_code: number | null;
}

/** A capsule as stored: one record, one claim on one host for all its containers. */
export interface CapsuleRecord extends Omit<CapsuleSpec, "init_containers" | "containers"> {
  uuid: string;
  project_id: string;
  user_id: string;
  init_containers: CapsuleMember[];
  containers: CapsuleMember[];
  status: Status;
  status_reason: string | null;
  /** The work the host has been asked to do and has not finished. */
  task_state: "creating" | "deleting" | null;
  host_id: string | null;
  host: string | null;
  claim: Claim | null;
  /** A capsule no host took still holds its containers in the containers quota (as an unplaced container holds one). */
  held_containers?: number;
  /** Docker's id of the sandbox container that owns the capsule's network namespace. */
  sandbox_id: string | null;
  addresses: Record<string, NetworkAddress[]> | null;
  /** Bumped by every accepted request; the host's writes for an older one are ignored. */
  generation: number;
  created_at: string;
  updated_at: string;
}

/**
 * What a capsule holds on its host: its regular containers run together, its
 * init containers one at a time before them, so (as Kubernetes sizes a pod)
 * each resource is the larger of the regular containers' sum and the largest
 * init container. Every container counts against the containers quota.
 */
export function claimOfCapsule(spec: Pick<CapsuleSpec, "init_containers" | "containers">): Claim {
  const millis = (container: CapsuleContainerSpec) => Math.round(container.cpu * 1000);
  const sum = (pick: (container: CapsuleContainerSpec) => number) =>
    spec.containers.reduce((total, container) => total + pick(container), 0);
  const largestInit = (pick: (container: CapsuleContainerSpec) => number) =>
    Math.max(0, ...spec.init_containers.map(pick));
  return {
    cpuMillis: Math.max(sum(millis), largestInit(millis)),
    memory: Math.max(
      sum((container) => container.memory),
      largestInit((container) => container.memory),
    ),
    disk: 0,
    ports: 0,
    containers: spec.init_containers.length + spec.containers.length,
  };
}
