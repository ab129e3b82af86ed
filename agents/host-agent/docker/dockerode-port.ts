import type { BlockList } from "node:net";
import type { Duplex, Writable } from "node:stream";
import { setTimeout as sleep } from "node:timers/promises";
import Docker from "dockerode";
import { DEFAULT_DENIED_REGISTRY_NETWORKS, deniedNetworks, guardRegistry } from "../registry-guard.ts";
import { DockerOperationError, isNotFound } from "./docker-errors.ts";
import type {
  ContainerCreateSpec,
  ContainerSummary,
  DockerInfo,
  DockerPort,
  EventFilters,
  ExecInspection,
  ExecSpec,
  ImageInspection,
  ImageSummary,
  LogOptions,
  NetworkCreateSpec,
  NetworkInspection,
  NetworkSummary,
  ProcessList,
  PullAuth,
  ResourceLimits,
  StatsSample,
  TtySize,
  VolumeCreateSpec,
  VolumeSummary,
} from "./docker-port.ts";
import type { ContainerInspection } from "./inspect-shape.ts";

const CALL_TIMEOUT_MS = 30_000;
const PULL_TIMEOUT_MS = 10 * 60_000;
const COMMIT_TIMEOUT_MS = 5 * 60_000;

/** DockerPort on a Docker engine, through dockerode: the only place the agent holds a Docker handle. */
export class DockerodePort implements DockerPort {
  readonly #docker: Docker;

  constructor(
    socketPath: string,
    /** Networks no image may be pulled from (see registry-guard.ts). */
    private readonly deniedRegistries: BlockList = deniedNetworks(DEFAULT_DENIED_REGISTRY_NETWORKS),
  ) {
    this.#docker = new Docker({ socketPath });
  }

  info(): Promise<DockerInfo> {
    return this.call("info", () => this.#docker.info());
  }

  async hasImage(reference: string): Promise<boolean> {
    try {
      await this.call("inspect image", () => this.#docker.getImage(reference).inspect());
      return true;
    } catch (error) {
      if (isNotFound(error)) return false;
      throw error;
    }
  }

  async pullImage(reference: string, onProgress: (status: string) => void, auth?: PullAuth): Promise<void> {
    await guardRegistry(reference, this.deniedRegistries);
    await this.call(
      `pull ${reference}`,
      async () => {
        const stream = await this.#docker.pull(reference, auth ? { authconfig: auth } : {});
        await new Promise<void>((resolve, reject) => {
          this.#docker.modem.followProgress(
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

  inspectImage(reference: string): Promise<ImageInspection> {
    return this.call(`inspect image ${reference}`, () => this.#docker.getImage(reference).inspect());
  }

  async removeImage(reference: string): Promise<void> {
    await this.call(`remove image ${reference}`, () => this.#docker.getImage(reference).remove());
  }

  listImages(): Promise<ImageSummary[]> {
    return this.call("list images", () => this.#docker.listImages());
  }

  async createContainer(spec: ContainerCreateSpec): Promise<string> {
    const created = await this.call(`create ${spec.name}`, () => this.#docker.createContainer(spec));
    return created.id;
  }

  async start(id: string): Promise<void> {
    await this.call(`start ${id}`, () => this.#docker.getContainer(id).start(), CALL_TIMEOUT_MS, [304]);
  }

  async stop(id: string, timeoutSeconds: number): Promise<void> {
    await this.call(
      `stop ${id}`,
      () => this.#docker.getContainer(id).stop({ t: timeoutSeconds }),
      (timeoutSeconds + 30) * 1000,
      [304],
    );
  }

  async restart(id: string, timeoutSeconds: number): Promise<void> {
    await this.call(
      `restart ${id}`,
      () => this.#docker.getContainer(id).restart({ t: timeoutSeconds }),
      (timeoutSeconds + 30) * 1000,
    );
  }

  async pause(id: string): Promise<void> {
    await this.call(`pause ${id}`, () => this.#docker.getContainer(id).pause());
  }

  async unpause(id: string): Promise<void> {
    await this.call(`unpause ${id}`, () => this.#docker.getContainer(id).unpause());
  }

  async kill(id: string, signal: string): Promise<void> {
    await this.call(`kill ${id}`, () => this.#docker.getContainer(id).kill({ signal }));
  }

  async update(id: string, limits: ResourceLimits): Promise<void> {
    await this.call(`update ${id}`, () => this.#docker.getContainer(id).update({ ...limits }));
  }

  async remove(id: string): Promise<void> {
    try {
      await this.call(`remove ${id}`, () => this.#docker.getContainer(id).remove({ force: true, v: true }));
    } catch (error) {
      if (isNotFound(error)) return;
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

  async inspect(idOrName: string): Promise<ContainerInspection | undefined> {
    try {
      return await this.call(`inspect ${idOrName}`, () => this.#docker.getContainer(idOrName).inspect());
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  listContainers(labels?: string[]): Promise<ContainerSummary[]> {
    return this.call("list containers", () =>
      this.#docker.listContainers(labels ? { all: true, filters: { label: labels } } : { all: true }),
    );
  }

  async wait(id: string, timeoutMs: number): Promise<number> {
    const result = await this.call(`wait ${id}`, () => this.#docker.getContainer(id).wait(), timeoutMs);
    return Number((result as { StatusCode?: number }).StatusCode ?? -1);
  }

  async attach(id: string): Promise<Duplex> {
    const container = this.#docker.getContainer(id);
    return (await this.call("attach", () =>
      container.attach({ stream: true, stdin: true, stdout: true, stderr: true, hijack: true }),
    )) as unknown as Duplex;
  }

  async resize(id: string, size: TtySize): Promise<void> {
    await this.call("resize", () => this.#docker.getContainer(id).resize(size));
  }

  async logs(id: string, options: LogOptions): Promise<Buffer> {
    const buffer = await this.call(
      "logs",
      () =>
        this.#docker.getContainer(id).logs({
          ...options,
          tail: options.tail as number,
          follow: false,
        }) as unknown as Promise<Buffer>,
    );
    return Buffer.from(buffer);
  }

  async stats(id: string): Promise<StatsSample> {
    return (await this.call("stats", () => this.#docker.getContainer(id).stats({ stream: false }))) as StatsSample;
  }

  top(id: string, psArgs?: string): Promise<ProcessList> {
    return this.call("top", () => this.#docker.getContainer(id).top(psArgs ? { ps_args: psArgs } : {}));
  }

  async archiveStat(id: string, path: string): Promise<Record<string, unknown>> {
    const info = (await this.call("archive stat", () =>
      this.#docker.getContainer(id).infoArchive({ path }),
    )) as unknown as { headers?: Record<string, string> };
    const statHeader = info.headers?.["x-docker-container-path-stat"];
    return statHeader ? JSON.parse(Buffer.from(statHeader, "base64").toString("utf8")) : {};
  }

  getArchive(id: string, path: string): Promise<NodeJS.ReadableStream> {
    return this.call("get archive", () => this.#docker.getContainer(id).getArchive({ path }));
  }

  async putArchive(id: string, path: string, tar: Buffer): Promise<void> {
    await this.call(`put archive ${path}`, () => this.#docker.getContainer(id).putArchive(tar, { path }));
  }

  async commit(id: string, target: { repo: string; tag: string; changes: string }): Promise<string> {
    const image = (await this.call(
      "commit",
      () => this.#docker.getContainer(id).commit(target),
      COMMIT_TIMEOUT_MS,
    )) as { Id: string };
    return image.Id;
  }

  async createExec(id: string, spec: ExecSpec): Promise<string> {
    const exec = await this.call("exec create", () => this.#docker.getContainer(id).exec(spec));
    return exec.id;
  }

  async startExec(execId: string, options: { stdin: boolean; tty?: boolean }): Promise<Duplex> {
    return (await this.call("exec start", () =>
      this.#docker.getExec(execId).start({ hijack: true, stdin: options.stdin, ...(options.tty ? { Tty: true } : {}) }),
    )) as Duplex;
  }

  inspectExec(execId: string): Promise<ExecInspection> {
    return this.call("exec inspect", () => this.#docker.getExec(execId).inspect());
  }

  async resizeExec(execId: string, size: TtySize): Promise<void> {
    await this.call("exec resize", () => this.#docker.getExec(execId).resize(size));
  }

  demultiplex(stream: NodeJS.ReadableStream, stdout: Writable, stderr: Writable): void {
    this.#docker.modem.demuxStream(stream, stdout, stderr);
  }

  async createNetwork(spec: NetworkCreateSpec): Promise<string> {
    return (await this.call(`create network ${spec.Name}`, () => this.#docker.createNetwork(spec))).id;
  }

  listNetworks(name: string): Promise<NetworkSummary[]> {
    return this.call("list networks", () => this.#docker.listNetworks({ filters: { name: [name] } }));
  }

  inspectNetwork(id: string): Promise<NetworkInspection> {
    return this.call(`inspect network ${id}`, () => this.#docker.getNetwork(id).inspect());
  }

  async removeNetwork(id: string): Promise<void> {
    await this.call(`remove network ${id}`, () => this.#docker.getNetwork(id).remove());
  }

  async createVolume(spec: VolumeCreateSpec): Promise<void> {
    await this.call(`create volume ${spec.Name}`, () => this.#docker.createVolume(spec));
  }

  async hasVolume(name: string): Promise<boolean> {
    try {
      await this.call(`inspect volume ${name}`, () => this.#docker.getVolume(name).inspect());
      return true;
    } catch (error) {
      if (isNotFound(error)) return false;
      throw error;
    }
  }

  async listVolumes(labels: string[]): Promise<VolumeSummary[]> {
    const listed = await this.call("list volumes", () => this.#docker.listVolumes({ filters: { label: labels } }));
    return listed.Volumes ?? [];
  }

  async removeVolume(name: string, options: { force?: boolean } = {}): Promise<void> {
    await this.call(`remove volume ${name}`, () => this.#docker.getVolume(name).remove(options));
  }

  events(filters: EventFilters): Promise<NodeJS.ReadableStream> {
    return this.call("events", () => this.#docker.getEvents({ filters: JSON.stringify(filters) }));
  }

  /** Runs a Docker call with a timeout and classified errors. */
  private async call<T>(
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
