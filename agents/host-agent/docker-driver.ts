import type { BlockList } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import Docker from "dockerode";
import type { ContainerRecord } from "../../shared/containers/record.ts";
import { cpusetOf } from "../../shared/hosts/pinned-cores.ts";
import { dockerVolumeName } from "../../shared/volumes/mounts.ts";
import { dockerNameOf, nameOfListed } from "./docker/container-name.ts";
import { DockerOperationError } from "./docker/docker-errors.ts";
import type { ContainerInspection } from "./docker/inspect-shape.ts";
import { DEFAULT_DENIED_REGISTRY_NETWORKS, deniedNetworks, guardRegistry } from "./registry-guard.ts";

const MIB = 1024 * 1024;
const CALL_TIMEOUT_MS = 30_000;
const PULL_TIMEOUT_MS = 10 * 60_000;

/** The agent's only door to Docker: every call has a timeout and every failure a kind. */
export class DockerDriver {
  readonly docker: Docker;

  /** `deployment` names the Berth installation, so several can share one Docker host. */
  constructor(
    socketPath: string,
    private readonly deployment: string,
    /** Networks no image may be pulled from (see registry-guard.ts). */
    private readonly deniedRegistries: BlockList = deniedNetworks(DEFAULT_DENIED_REGISTRY_NETWORKS),
  ) {
    this.docker = new Docker({ socketPath });
  }

  info(): Promise<Record<string, any>> {
    return this.call("info", () => this.docker.info());
  }

  async hasImage(image: string): Promise<boolean> {
    try {
      await this.call("inspect image", () => this.docker.getImage(image).inspect());
      return true;
    } catch (error) {
      if (error instanceof DockerOperationError && error.kind === "not_found") return false;
      throw error;
    }
  }

  async pullImage(
    image: string,
    onProgress: (status: string) => void,
    auth?: { username: string; password: string; serveraddress: string },
  ): Promise<void> {
    await guardRegistry(image, this.deniedRegistries);
    await this.call(
      `pull ${image}`,
      async () => {
        const stream = await this.docker.pull(image, auth ? { authconfig: auth } : {});
        await new Promise<void>((resolve, reject) => {
          this.docker.modem.followProgress(
            stream,
            (error: Error | null) => (error ? reject(error) : resolve()),
            (event: { status?: string; error?: string }) => {
              if (event.error) reject(new Error(event.error));
              else if (event.status) onProgress(event.status);
            },
          );
        });
      },
      PULL_TIMEOUT_MS,
    );
  }

  /**
   * Creates the container for a record on its project's network, with its
   * exposed ports published on the given host ports; an existing one (a
   * redelivered create) is reused.
   */
  async createContainer(
    record: ContainerRecord,
    wiring: { /** the network's id */ network: string; hostPorts: Record<string, number> },
  ): Promise<string> {
    const name = dockerNameOf(record.uuid);
    try {
      const container = await this.call(`create ${name}`, () =>
        this.docker.createContainer(createOptions(record, this.deployment, wiring)),
      );
      return container.id;
    } catch (error) {
      if (error instanceof DockerOperationError && error.kind === "conflict") {
        const existing = await this.inspect(name);
        if (existing?.Config?.Labels?.["berth.uuid"] === record.uuid) return existing.Id;
      }
      throw error;
    }
  }

  async start(id: string): Promise<void> {
    await this.call(`start ${id}`, () => this.docker.getContainer(id).start(), CALL_TIMEOUT_MS, [304]);
  }

  async restart(id: string, timeoutSeconds: number): Promise<void> {
    await this.call(
      `restart ${id}`,
      () => this.docker.getContainer(id).restart({ t: timeoutSeconds }),
      (timeoutSeconds + 30) * 1000,
    );
  }

  async pause(id: string): Promise<void> {
    await this.call(`pause ${id}`, () => this.docker.getContainer(id).pause());
  }

  async unpause(id: string): Promise<void> {
    await this.call(`unpause ${id}`, () => this.docker.getContainer(id).unpause());
  }

  async kill(id: string, signal: string): Promise<void> {
    await this.call(`kill ${id}`, () => this.docker.getContainer(id).kill({ signal }));
  }

  /** Applies new cpu and memory limits to a container, running or not. */
  async updateLimits(id: string, cpuMillis: number, memoryMiB: number): Promise<void> {
    const memory = memoryMiB * MIB;
    await this.call(`update ${id}`, () =>
      this.docker.getContainer(id).update({ NanoCpus: cpuMillis * 1e6, Memory: memory, MemorySwap: 2 * memory }),
    );
  }

  async stop(id: string, timeoutSeconds: number): Promise<void> {
    await this.call(
      `stop ${id}`,
      () => this.docker.getContainer(id).stop({ t: timeoutSeconds }),
      (timeoutSeconds + 30) * 1000,
      [304],
    );
  }

  /**
   * Removes a container with its anonymous volumes (nothing else could ever
   * mount them again; named volumes stay, their records decide); one that is
   * already gone counts as removed, and one Docker is already removing (an
   * auto_remove container that stopped) once it is gone.
   */
  async remove(id: string): Promise<void> {
    try {
      await this.call(`remove ${id}`, () => this.docker.getContainer(id).remove({ force: true, v: true }));
    } catch (error) {
      if (error instanceof DockerOperationError && error.kind === "not_found") return;
      if (
        !(
          error instanceof DockerOperationError &&
          error.kind === "conflict" &&
          /already in progress/.test(error.message)
        )
      )
        throw error;
      const deadline = Date.now() + CALL_TIMEOUT_MS;
      while (await this.inspect(id)) {
        if (Date.now() > deadline)
          throw new DockerOperationError(`remove ${id}`, "timeout", "Docker's own removal did not finish", {
            cause: error,
          });
        await sleep(100);
      }
    }
  }

  /** The containers this deployment made on this Docker engine for one Berth host: id, Berth uuid and Docker name. */
  async containersMadeFor(hostId: string): Promise<Array<{ id: string; uuid: string; name: string }>> {
    const listed = await this.call("list containers", () =>
      this.docker.listContainers({
        all: true,
        filters: { label: [`berth.deployment=${this.deployment}`, `berth.host=${hostId}`] },
      }),
    );
    return listed.map((container) => ({
      id: container.Id,
      uuid: container.Labels["berth.uuid"] ?? "",
      name: nameOfListed(container.Names),
    }));
  }

  /** The volumes this deployment made on this Docker engine for Berth volumes (not capsules'): Docker name and uuid. */
  async volumesMade(): Promise<Array<{ name: string; uuid: string }>> {
    const listed = await this.call("list volumes", () =>
      this.docker.listVolumes({ filters: { label: [`berth.deployment=${this.deployment}`] } }),
    );
    return (listed.Volumes ?? [])
      .filter((volume) => !volume.Labels?.["berth.capsule"])
      .map((volume) => ({ name: volume.Name, uuid: volume.Labels?.["berth.volume"] ?? "" }));
  }

  /** Docker's view of a container by id or name, or undefined when it does not exist. */
  async inspect(idOrName: string): Promise<ContainerInspection | undefined> {
    try {
      return await this.call(`inspect ${idOrName}`, () => this.docker.getContainer(idOrName).inspect());
    } catch (error) {
      if (error instanceof DockerOperationError && error.kind === "not_found") return undefined;
      throw error;
    }
  }

  /** Runs any Docker call with a timeout and classified errors. */
  async call<T>(
    operation: string,
    run: () => Promise<T>,
    timeoutMs = CALL_TIMEOUT_MS,
    okStatuses: number[] = [],
  ): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(new DockerOperationError(operation, "timeout", `no answer from Docker within ${timeoutMs / 1000} s`)),
        timeoutMs,
      );
    });
    try {
      return await Promise.race([run(), timeout]);
    } catch (error) {
      const statusCode = (error as { statusCode?: number }).statusCode;
      if (statusCode !== undefined && okStatuses.includes(statusCode)) return undefined as T;
      throw classify(operation, error);
    } finally {
      clearTimeout(timer);
    }
  }
}

function classify(operation: string, error: unknown): DockerOperationError {
  if (error instanceof DockerOperationError) return error;
  const { statusCode, json, message, code } = error as {
    statusCode?: number;
    json?: { message?: string };
    message?: string;
    code?: string;
  };
  const detail = json?.message ?? message ?? String(error);
  if (statusCode === 404) return new DockerOperationError(operation, "not_found", detail, { cause: error });
  if (statusCode === 409) return new DockerOperationError(operation, "conflict", detail, { cause: error });
  if (statusCode !== undefined && statusCode < 500)
    return new DockerOperationError(operation, "rejected", detail, { cause: error });
  if (code === "ECONNREFUSED" || code === "ENOENT" || code === "ECONNRESET")
    return new DockerOperationError(operation, "unavailable", detail, { cause: error });
  return new DockerOperationError(operation, statusCode ? "rejected" : "unavailable", detail, { cause: error });
}

function createOptions(
  record: ContainerRecord,
  deployment: string,
  wiring: { network: string; hostPorts: Record<string, number> },
): Docker.ContainerCreateOptions {
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
