import { cpusetOf } from "../../shared/hosts/pinned-cores.ts";
import type { ContainerRecord } from "../../shared/model/container.ts";
import { dockerVolumeName } from "../../shared/volumes/mounts.ts";
import { dockerNameOf } from "./docker/container-name.ts";
import { DockerOperationError } from "./docker/docker-errors.ts";
import type { ContainerCreateSpec, DockerPort, ResourceLimits } from "./docker/docker-port.ts";

const MIB = 1024 * 1024;

/**
 * Creates the container for a record on its project's network, with its
 * exposed ports published on the given host ports; an existing one (a
 * redelivered create) is reused. `deployment` names the Berth installation,
 * so several can share one Docker host.
 */
export async function createContainerFor(
  docker: DockerPort,
  record: ContainerRecord,
  deployment: string,
  wiring: { /** the network's id */ network: string; hostPorts: Record<string, number> },
): Promise<string> {
  try {
    return await docker.createContainer(createSpecOf(record, deployment, wiring));
  } catch (error) {
    if (error instanceof DockerOperationError && error.kind === "conflict") {
      const existing = await docker.inspect(dockerNameOf(record.uuid));
      if (existing?.Config?.Labels?.["berth.uuid"] === record.uuid) return existing.Id;
    }
    throw error;
  }
}

/** The cpu and memory limits of a claim, as Docker takes them (swap as much again as memory). */
export function limitsOf(cpuMillis: number, memoryMiB: number): ResourceLimits {
  const memory = memoryMiB * MIB;
  return { NanoCpus: cpuMillis * 1e6, Memory: memory, MemorySwap: 2 * memory };
}

function createSpecOf(
  record: ContainerRecord,
  deployment: string,
  wiring: { network: string; hostPorts: Record<string, number> },
): ContainerCreateSpec {
  return {
    name: dockerNameOf(record.uuid),
    Image: record.image,
    Cmd: record.command ?? undefined,
    Entrypoint: record.entrypoint ?? undefined,
    Env: Object.entries(record.environment).map(([key, value]) => `${key}=${value}`),
    Labels: {
      ...record.labels,
      "berth.deployment": deployment,
      "berth.uuid": record.uuid,
      "berth.project": record.project_id,
      "berth.name": record.name,
      "berth.host": record.host_id ?? "",
    },
    WorkingDir: record.workdir ?? undefined,
    Hostname: record.hostname ?? undefined,
    Tty: record.tty,
    OpenStdin: record.interactive,
    ExposedPorts: record.exposed_ports,
    Healthcheck: record.healthcheck
      ? {
          Test: ["CMD-SHELL", record.healthcheck.cmd],
          Interval: record.healthcheck.interval * 1e9,
          Timeout: record.healthcheck.timeout * 1e9,
          Retries: record.healthcheck.retries,
        }
      : undefined,
    NetworkingConfig: { EndpointsConfig: { [wiring.network]: { NetworkID: wiring.network, Aliases: [record.name] } } },
    HostConfig: {
      NanoCpus: (record.claim?.cpuMillis ?? Math.round(record.cpu * 1000)) * 1e6,
      CpusetCpus: cpusetOf(record.claim),
      Memory: record.memory * MIB,
      Privileged: record.privileged,
      Runtime: record.runtime ?? undefined,
      AutoRemove: record.auto_remove,
      NetworkMode: wiring.network,
      Mounts: (record.mounts ?? []).flatMap((mount) =>
        mount.type === "volume"
          ? [{ Type: "volume" as const, Source: dockerVolumeName(mount.volume_uuid), Target: mount.destination }]
          : [],
      ),
      PortBindings: Object.fromEntries(
        Object.entries(wiring.hostPorts).map(([port, hostPort]) => [port, [{ HostPort: String(hostPort) }]]),
      ),
      RestartPolicy: record.restart_policy
        ? {
            Name: record.restart_policy.Name === "no" ? "" : record.restart_policy.Name,
            MaximumRetryCount: record.restart_policy.MaximumRetryCount,
          }
        : undefined,
      ...RESTRICTED_DEFAULTS,
      ...(record.privileged ? {} : UNPRIVILEGED_LIMITS),
    },
  };
}

/**
 * Every container shares its host with other tenants: it gets a bounded
 * number of processes and rotated logs, so none can exhaust the host's pids
 * or disk by itself.
 */
export const RESTRICTED_DEFAULTS = {
  PidsLimit: 1024,
  LogConfig: { Type: "json-file", Config: { "max-size": "10m", "max-file": "3" } },
};

/**
 * What Kubernetes' "restricted" profile asks of an unprivileged container:
 * no raw sockets (ARP and DNS spoofing on the project network), no gaining
 * privileges through setuid binaries. An admin's privileged container is left as asked.
 */
export const UNPRIVILEGED_LIMITS = {
  CapDrop: ["NET_RAW"],
  SecurityOpt: ["no-new-privileges:true"],
};
