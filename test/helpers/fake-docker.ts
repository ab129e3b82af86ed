import { randomBytes } from "node:crypto";
import { type Duplex, PassThrough } from "node:stream";
import { DockerOperationError } from "../../agents/host-agent/docker/docker-errors.ts";
import type {
  ContainerCreateSpec,
  ContainerSummary,
  DockerPort,
  ExecInspection,
  NetworkCreateSpec,
  NetworkInspection,
  NetworkSummary,
  ProcessList,
  ResourceLimits,
  StatsSample,
} from "../../agents/host-agent/docker/docker-port.ts";
import type { ContainerInspection } from "../../agents/host-agent/docker/inspect-shape.ts";
import { type FakeContainer, hasLabels, inspectionOf, notFound } from "./fake-container.ts";
import { FakeDockerResources } from "./fake-docker-resources.ts";

/**
 * DockerPort in memory, for unit tests: containers with their states (a start
 * makes one run, or exit at once with the code `exitWith` set for it), images,
 * networks and volumes. Every call is written to `calls` (e.g. `start
 * berth-x`, by the container's name) so a test can say what was, and was not, done.
 */
export class FakeDocker extends FakeDockerResources implements DockerPort {
  readonly containers = new Map<string, FakeContainer>();
  readonly networks = new Map<string, NetworkCreateSpec & { Id: string }>();
  private readonly plannedExits = new Map<string, number>();
  private readonly waiting = new Map<string, Array<(code: number) => void>>();

  constructor(images: string[] = []) {
    super();
    for (const image of images) this.addImage(image);
  }

  /** The container named `name` exits with `code` as soon as it starts. */
  exitWith(name: string, code: number): void {
    this.plannedExits.set(name, code);
  }

  /** What Docker does when a container's process ends by itself. */
  exit(idOrName: string, code: number): void {
    const container = this.find(idOrName, "exit");
    container.state = { Status: "exited", Running: false, ExitCode: code };
    for (const wake of this.waiting.get(container.id)?.splice(0) ?? []) wake(code);
  }

  /** The names of the containers started, in order. */
  get started(): string[] {
    return this.calls.filter((call) => call.startsWith("start ")).map((call) => call.slice("start ".length));
  }

  async createContainer(spec: ContainerCreateSpec): Promise<string> {
    this.calls.push(`create ${spec.name}`);
    if ([...this.containers.values()].some((container) => container.name === spec.name))
      throw new DockerOperationError(`create ${spec.name}`, "conflict", `name ${spec.name} is already in use`);
    if (!this.images.has(spec.Image)) throw notFound(`create ${spec.name}`, `No such image: ${spec.Image}`);
    const id = randomBytes(32).toString("hex");
    this.containers.set(id, { id, name: spec.name, spec, state: { Status: "created", ExitCode: 0 }, restartCount: 0 });
    return id;
  }

  async start(id: string): Promise<void> {
    const container = this.find(id, "start");
    this.calls.push(`start ${container.name}`);
    if (container.state.Running) return;
    container.state = { Status: "running", Running: true, ExitCode: 0, StartedAt: new Date().toISOString() };
    const code = this.plannedExits.get(container.name);
    if (code !== undefined) this.exit(container.id, code);
  }

  async stop(id: string): Promise<void> {
    const container = this.find(id, "stop");
    this.calls.push(`stop ${container.name}`);
    if (container.state.Running) this.exit(container.id, 0);
  }

  async restart(id: string): Promise<void> {
    const container = this.find(id, "restart");
    container.restartCount++;
    container.state = { Status: "running", Running: true, ExitCode: 0 };
  }

  async pause(id: string): Promise<void> {
    const container = this.find(id, "pause");
    if (!container.state.Running) throw new DockerOperationError(`pause ${id}`, "conflict", "is not running");
    container.state = { ...container.state, Status: "paused", Paused: true };
  }

  async unpause(id: string): Promise<void> {
    const container = this.find(id, "unpause");
    container.state = { ...container.state, Status: "running", Paused: false };
  }

  async kill(id: string): Promise<void> {
    const container = this.find(id, "kill");
    if (!container.state.Running) throw new DockerOperationError(`kill ${id}`, "conflict", "is not running");
    this.exit(container.id, 137);
  }

  async update(id: string, limits: ResourceLimits): Promise<void> {
    const container = this.find(id, "update");
    container.spec = { ...container.spec, HostConfig: { ...container.spec.HostConfig, ...limits } };
  }

  async remove(id: string): Promise<void> {
    const container = this.lookUp(id);
    if (!container) return;
    this.calls.push(`remove ${container.name}`);
    this.containers.delete(container.id);
  }

  async inspect(idOrName: string): Promise<ContainerInspection | undefined> {
    const container = this.lookUp(idOrName);
    return container && inspectionOf(container);
  }

  async listContainers(labels?: string[]): Promise<ContainerSummary[]> {
    return [...this.containers.values()]
      .filter((container) => hasLabels(container.spec.Labels, labels))
      .map((container) => ({ Id: container.id, Names: [`/${container.name}`], Labels: { ...container.spec.Labels } }));
  }

  wait(id: string, timeoutMs: number): Promise<number> {
    const container = this.find(id, "wait");
    if (!container.state.Running) return Promise.resolve(container.state.ExitCode ?? 0);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new DockerOperationError(`wait ${id}`, "timeout", "no answer from Docker")),
        timeoutMs,
      );
      const waiters = this.waiting.get(container.id) ?? [];
      waiters.push((code) => {
        clearTimeout(timer);
        resolve(code);
      });
      this.waiting.set(container.id, waiters);
    });
  }

  async attach(id: string): Promise<Duplex> {
    this.find(id, "attach");
    return new PassThrough();
  }

  async resize(id: string): Promise<void> {
    this.find(id, "resize");
  }

  async logs(id: string): Promise<Buffer> {
    this.find(id, "logs");
    return Buffer.alloc(0);
  }

  async stats(id: string): Promise<StatsSample> {
    this.find(id, "stats");
    return {};
  }

  async top(id: string): Promise<ProcessList> {
    this.find(id, "top");
    return { Titles: ["PID", "CMD"], Processes: [] };
  }

  async archiveStat(id: string, path: string): Promise<Record<string, unknown>> {
    this.find(id, "archive stat");
    return { name: path.split("/").pop(), size: 0 };
  }

  async getArchive(id: string): Promise<NodeJS.ReadableStream> {
    this.find(id, "get archive");
    const stream = new PassThrough();
    stream.end();
    return stream;
  }

  async putArchive(id: string, path: string): Promise<void> {
    const container = this.find(id, "put archive");
    this.calls.push(`put archive ${container.name} ${path}`);
  }

  async commit(id: string, target: { repo: string; tag: string }): Promise<string> {
    this.find(id, "commit");
    this.addImage(`${target.repo}:${target.tag}`);
    return (await this.inspectImage(`${target.repo}:${target.tag}`)).Id;
  }

  async createExec(id: string): Promise<string> {
    this.find(id, "exec create");
    throw new DockerOperationError("exec create", "rejected", "the fake Docker runs no execs");
  }

  async startExec(execId: string): Promise<Duplex> {
    throw notFound("exec start", `No such exec instance: ${execId}`);
  }

  async inspectExec(execId: string): Promise<ExecInspection> {
    throw notFound("exec inspect", `No such exec instance: ${execId}`);
  }

  async resizeExec(execId: string): Promise<void> {
    throw notFound("exec resize", `No such exec instance: ${execId}`);
  }

  async createNetwork(spec: NetworkCreateSpec): Promise<string> {
    const id = randomBytes(32).toString("hex");
    this.networks.set(id, { ...spec, Id: id });
    return id;
  }

  async listNetworks(name: string): Promise<NetworkSummary[]> {
    return [...this.networks.values()]
      .filter((network) => network.Name.includes(name))
      .map((network) => ({ Id: network.Id, Name: network.Name }));
  }

  async inspectNetwork(id: string): Promise<NetworkInspection> {
    if (!this.networks.has(id)) throw notFound(`inspect network ${id}`);
    const attached = [...this.containers.values()].filter(
      (container) => container.state.Running && container.spec.HostConfig.NetworkMode === id,
    );
    return { Containers: Object.fromEntries(attached.map((container) => [container.id, {}])) };
  }

  async removeNetwork(id: string): Promise<void> {
    if (!this.networks.delete(id)) throw notFound(`remove network ${id}`);
  }

  private lookUp(idOrName: string): FakeContainer | undefined {
    return (
      this.containers.get(idOrName) ??
      [...this.containers.values()].find((container) => container.name === idOrName.replace(/^\//, ""))
    );
  }

  private find(idOrName: string, operation: string): FakeContainer {
    const container = this.lookUp(idOrName);
    if (!container) throw notFound(`${operation} ${idOrName}`, `No such container: ${idOrName}`);
    return container;
  }
}
