import type { BlockList } from "node:net";
import type { Duplex, Writable } from "node:stream";
import { setTimeout as sleep } from "node:timers/promises";
import Docker from "dockerode";
import { DEFAULT_DENIED_REGISTRY_NETWORKS, deniedNetworks, guardRegistry } from "../registry-guard.ts";
import { DockerOperationError, isNotFound, isRemovalInProgress } from "./docker-errors.ts";
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
import { CALL_TIMEOUT_MS, timedCall } from "./timed-call.ts";

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
    return timedCall("info", () => this.#docker.info());
  }

  async hasImage(reference: string): Promise<boolean> {
    try {
      await timedCall("inspect image", () => this.#docker.getImage(reference).inspect());
      return true;
    } catch (error) {
      if (isNotFound(error)) return false;
      throw error;
    }
  }

  async pullImage(reference: string, onProgress: (status: string) => void, auth?: PullAuth): Promise<void> {
    await guardRegistry(reference, this.deniedRegistries);
    await timedCall(
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
    return timedCall(`inspect image ${reference}`, () => this.#docker.getImage(reference).inspect());
  }

  async removeImage(reference: string): Promise<void> {
    await timedCall(`remove image ${reference}`, () => this.#docker.getImage(reference).remove());
  }

  listImages(): Promise<ImageSummary[]> {
    return timedCall("list images", () => this.#docker.listImages());
  }

  async createContainer(spec: ContainerCreateSpec): Promise<string> {
    const created = await timedCall(`create ${spec.name}`, () => this.#docker.createContainer(spec));
    return created.id;
  }

  async start(id: string): Promise<void> {
    await timedCall(`start ${id}`, () => this.#docker.getContainer(id).start(), CALL_TIMEOUT_MS, [304]);
  }

  async stop(id: string, timeoutSeconds: number): Promise<void> {
    await timedCall(
      `stop ${id}`,
      () => this.#docker.getContainer(id).stop({ t: timeoutSeconds }),
      (timeoutSeconds + 30) * 1000,
      [304],
    );
  }

  async restart(id: string, timeoutSeconds: number): Promise<void> {
    await timedCall(
      `restart ${id}`,
      () => this.#docker.getContainer(id).restart({ t: timeoutSeconds }),
      (timeoutSeconds + 30) * 1000,
    );
  }

  async pause(id: string): Promise<void> {
    await timedCall(`pause ${id}`, () => this.#docker.getContainer(id).pause());
  }

  async unpause(id: string): Promise<void> {
    await timedCall(`unpause ${id}`, () => this.#docker.getContainer(id).unpause());
  }

  async kill(id: string, signal: string): Promise<void> {
    await timedCall(`kill ${id}`, () => this.#docker.getContainer(id).kill({ signal }));
  }

  async update(id: string, limits: ResourceLimits): Promise<void> {
    await timedCall(`update ${id}`, () => this.#docker.getContainer(id).update({ ...limits }));
  }

  async remove(id: string): Promise<void> {
    try {
      await timedCall(`remove ${id}`, () => this.#docker.getContainer(id).remove({ force: true, v: true }));
    } catch (error) {
      if (isNotFound(error)) return;
      if (!isRemovalInProgress(error)) throw error;
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
      return await timedCall(`inspect ${idOrName}`, () => this.#docker.getContainer(idOrName).inspect());
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  listContainers(labels?: string[]): Promise<ContainerSummary[]> {
    return timedCall("list containers", () =>
      this.#docker.listContainers(labels ? { all: true, filters: { label: labels } } : { all: true }),
    );
  }

  async wait(id: string, timeoutMs: number): Promise<number> {
    const result = await timedCall(`wait ${id}`, () => this.#docker.getContainer(id).wait(), timeoutMs);
    return Number((result as { StatusCode?: number }).StatusCode ?? -1);
  }

  async attach(id: string): Promise<Duplex> {
    const container = this.#docker.getContainer(id);
    return (await timedCall("attach", () =>
      container.attach({ stream: true, stdin: true, stdout: true, stderr: true, hijack: true }),
    )) as unknown as Duplex;
  }

  async resize(id: string, size: TtySize): Promise<void> {
    await timedCall("resize", () => this.#docker.getContainer(id).resize(size));
  }

  async logs(id: string, options: LogOptions): Promise<Buffer> {
    const buffer = await timedCall(
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
    return (await timedCall("stats", () => this.#docker.getContainer(id).stats({ stream: false }))) as StatsSample;
  }

  top(id: string, psArgs?: string): Promise<ProcessList> {
    return timedCall("top", () => this.#docker.getContainer(id).top(psArgs ? { ps_args: psArgs } : {}));
  }

  async archiveStat(id: string, path: string): Promise<Record<string, unknown>> {
    const info = (await timedCall("archive stat", () =>
      this.#docker.getContainer(id).infoArchive({ path }),
    )) as unknown as { headers?: Record<string, string> };
    const statHeader = info.headers?.["x-docker-container-path-stat"];
    return statHeader ? JSON.parse(Buffer.from(statHeader, "base64").toString("utf8")) : {};
  }

  getArchive(id: string, path: string): Promise<NodeJS.ReadableStream> {
    return timedCall("get archive", () => this.#docker.getContainer(id).getArchive({ path }));
  }

  async putArchive(id: string, path: string, tar: Buffer): Promise<void> {
    await timedCall(`put archive ${path}`, () => this.#docker.getContainer(id).putArchive(tar, { path }));
  }

  async commit(id: string, target: { repo: string; tag: string; changes: string }): Promise<string> {
    const image = (await timedCall(
      "commit",
      () => this.#docker.getContainer(id).commit(target),
      COMMIT_TIMEOUT_MS,
    )) as { Id: string };
    return image.Id;
  }

  async createExec(id: string, spec: ExecSpec): Promise<string> {
    const exec = await timedCall("exec create", () => this.#docker.getContainer(id).exec(spec));
    return exec.id;
  }

  async startExec(execId: string, options: { stdin: boolean; tty?: boolean }): Promise<Duplex> {
    return (await timedCall("exec start", () =>
      this.#docker.getExec(execId).start({ hijack: true, stdin: options.stdin, ...(options.tty ? { Tty: true } : {}) }),
    )) as Duplex;
  }

  inspectExec(execId: string): Promise<ExecInspection> {
    return timedCall("exec inspect", () => this.#docker.getExec(execId).inspect());
  }

  async resizeExec(execId: string, size: TtySize): Promise<void> {
    await timedCall("exec resize", () => this.#docker.getExec(execId).resize(size));
  }

  demultiplex(stream: NodeJS.ReadableStream, stdout: Writable, stderr: Writable): void {
    this.#docker.modem.demuxStream(stream, stdout, stderr);
  }

  async createNetwork(spec: NetworkCreateSpec): Promise<string> {
    return (await timedCall(`create network ${spec.Name}`, () => this.#docker.createNetwork(spec))).id;
  }

  listNetworks(name: string): Promise<NetworkSummary[]> {
    return timedCall("list networks", () => this.#docker.listNetworks({ filters: { name: [name] } }));
  }

  inspectNetwork(id: string): Promise<NetworkInspection> {
    return timedCall(`inspect network ${id}`, () => this.#docker.getNetwork(id).inspect());
  }

  async removeNetwork(id: string): Promise<void> {
    await timedCall(`remove network ${id}`, () => this.#docker.getNetwork(id).remove());
  }

  async createVolume(spec: VolumeCreateSpec): Promise<void> {
    await timedCall(`create volume ${spec.Name}`, () => this.#docker.createVolume(spec));
  }

  async hasVolume(name: string): Promise<boolean> {
    try {
      await timedCall(`inspect volume ${name}`, () => this.#docker.getVolume(name).inspect());
      return true;
    } catch (error) {
      if (isNotFound(error)) return false;
      throw error;
    }
  }

  async listVolumes(labels: string[]): Promise<VolumeSummary[]> {
    const listed = await timedCall("list volumes", () => this.#docker.listVolumes({ filters: { label: labels } }));
    return listed.Volumes ?? [];
  }

  async removeVolume(name: string, options: { force?: boolean } = {}): Promise<void> {
    await timedCall(`remove volume ${name}`, () => this.#docker.getVolume(name).remove(options));
  }

  events(filters: EventFilters): Promise<NodeJS.ReadableStream> {
    return timedCall("events", () => this.#docker.getEvents({ filters: JSON.stringify(filters) }));
  }
}
