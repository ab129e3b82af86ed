import type { Duplex, Writable } from "node:stream";
import type { ContainerInspection } from "./inspect-shape.ts";

/**
 * The agent's only door to Docker: every call the agent makes, each with a
 * timeout, each failing with a DockerOperationError whose `kind` says whether
 * retrying can help. Agent modules take this interface; one implementation
 * talks to the engine (dockerode-port.ts), a fake keeps state in memory for tests.
 */
export interface DockerPort {
  /** `docker info`: the engine's name, capacity and runtimes. */
  info(): Promise<DockerInfo>;

  hasImage(reference: string): Promise<boolean>;
  /** Pulls an image, telling its progress; refuses one whose registry is denied. */
  pullImage(reference: string, onProgress: (status: string) => void, auth?: PullAuth): Promise<void>;
  /** Fails `not_found` when the image is not present. */
  inspectImage(reference: string): Promise<ImageInspection>;
  /** Removes one reference (tag); an image id other tags share stays for them. */
  removeImage(reference: string): Promise<void>;
  listImages(): Promise<ImageSummary[]>;

  /** Creates a container; its id. Fails `conflict` when the name is taken. */
  createContainer(spec: ContainerCreateSpec): Promise<string>;
  /** Starting a running container is not a failure. */
  start(id: string): Promise<void>;
  /** Stopping a stopped container is not a failure; the call waits `timeoutSeconds` longer than Docker may. */
  stop(id: string, timeoutSeconds: number): Promise<void>;
  restart(id: string, timeoutSeconds: number): Promise<void>;
  pause(id: string): Promise<void>;
  unpause(id: string): Promise<void>;
  kill(id: string, signal: string): Promise<void>;
  /** Applies new resource limits to a container, running or not. */
  update(id: string, limits: ResourceLimits): Promise<void>;
  /**
   * Removes a container, forced, with its anonymous volumes; one already gone
   * counts as removed, and one Docker is already removing once it is gone.
   */
  remove(id: string): Promise<void>;
  /** Docker's view of a container by id or name, or undefined when it does not exist. */
  inspect(idOrName: string): Promise<ContainerInspection | undefined>;
  /** Every container, running or not, carrying all of `labels` (`key=value`); every one without. */
  listContainers(labels?: string[]): Promise<ContainerSummary[]>;
  /** Waits up to `timeoutMs` for a container to exit; its exit code. */
  wait(id: string, timeoutMs: number): Promise<number>;
  /** The container's stdin, stdout and stderr as one stream (multiplexed unless it has a TTY). */
  attach(id: string): Promise<Duplex>;
  resize(id: string, size: TtySize): Promise<void>;
  /** The log so far (multiplexed unless the container has a TTY). */
  logs(id: string, options: LogOptions): Promise<Buffer>;
  stats(id: string): Promise<StatsSample>;
  top(id: string, psArgs?: string): Promise<ProcessList>;
  /** Docker's stat of a path in the container. */
  archiveStat(id: string, path: string): Promise<Record<string, unknown>>;
  /** A path in the container as a tar stream. */
  getArchive(id: string, path: string): Promise<NodeJS.ReadableStream>;
  /** Unpacks a tar into a directory of the container. */
  putArchive(id: string, path: string, tar: Buffer): Promise<void>;
  /** Snapshots a container into an image; the image's id. */
  commit(id: string, target: { repo: string; tag: string; changes: string }): Promise<string>;

  /** Creates an exec in a container, not started; its id. */
  createExec(id: string, spec: ExecSpec): Promise<string>;
  startExec(execId: string, options: { stdin: boolean; tty?: boolean }): Promise<Duplex>;
  inspectExec(execId: string): Promise<ExecInspection>;
  resizeExec(execId: string, size: TtySize): Promise<void>;
  /** Splits a multiplexed stream into its stdout and stderr as it flows. */
  demultiplex(stream: NodeJS.ReadableStream, stdout: Writable, stderr: Writable): void;

  /** Creates a network; its id. */
  createNetwork(spec: NetworkCreateSpec): Promise<string>;
  /** Networks whose name contains `name` (Docker's filter; callers compare exactly). */
  listNetworks(name: string): Promise<NetworkSummary[]>;
  inspectNetwork(id: string): Promise<NetworkInspection>;
  removeNetwork(id: string): Promise<void>;

  createVolume(spec: VolumeCreateSpec): Promise<void>;
  hasVolume(name: string): Promise<boolean>;
  /** The volumes carrying all of `labels` (`key=value`). */
  listVolumes(labels: string[]): Promise<VolumeSummary[]>;
  removeVolume(name: string, options?: { force?: boolean }): Promise<void>;

  /** Docker's event stream, one JSON event per line, until it ends or is destroyed. */
  events(filters: EventFilters): Promise<NodeJS.ReadableStream>;
}

export interface DockerInfo {
  ID?: string;
  Name?: string;
  NCPU?: number;
  MemTotal?: number;
  DockerRootDir?: string;
  Architecture?: string;
  OSType?: string;
  OperatingSystem?: string;
  KernelVersion?: string;
  Runtimes?: Record<string, unknown>;
}

export interface PullAuth {
  username: string;
  password: string;
  serveraddress: string;
}

export interface ImageInspection {
  Id: string;
  Size?: number;
  Os?: string;
  Architecture?: string;
  Config?: { Labels?: Record<string, string> | null };
}

export interface ImageSummary {
  Id: string;
  RepoTags?: string[] | null;
  Size: number;
}

/** What the agent asks of a container at its creation, in Docker's field names. */
export interface ContainerCreateSpec {
  name: string;
  Image: string;
  Cmd?: string[];
  Entrypoint?: string[];
  Env?: string[];
  Labels?: Record<string, string>;
  WorkingDir?: string;
  Hostname?: string;
  Tty?: boolean;
  OpenStdin?: boolean;
  ExposedPorts?: Record<string, Record<string, never>>;
  Healthcheck?: { Test: string[]; Interval: number; Timeout: number; Retries: number };
  NetworkingConfig?: { EndpointsConfig: Record<string, { NetworkID?: string; Aliases?: string[] }> };
  HostConfig: {
    NetworkMode?: string;
    NanoCpus?: number;
    CpusetCpus?: string;
    Memory?: number;
    Privileged?: boolean;
    Runtime?: string;
    AutoRemove?: boolean;
    Mounts?: Array<{ Type: "volume"; Source: string; Target: string }>;
    PortBindings?: Record<string, Array<{ HostPort: string }>>;
    RestartPolicy?: { Name: string; MaximumRetryCount?: number };
    PidsLimit?: number;
    LogConfig?: { Type: string; Config: Record<string, string> };
    CapDrop?: string[];
    SecurityOpt?: string[];
  };
}

export interface ResourceLimits {
  NanoCpus: number;
  Memory: number;
  MemorySwap: number;
}

export interface ContainerSummary {
  Id: string;
  Names?: string[];
  Labels: Record<string, string>;
  Ports?: Array<{ PublicPort?: number }>;
}

export interface TtySize {
  h: number;
  w: number;
}

export interface LogOptions {
  stdout: boolean;
  stderr: boolean;
  timestamps: boolean;
  tail: number | "all";
  since: number;
}

interface CpuSample {
  cpu_usage?: { total_usage?: number; percpu_usage?: number[] };
  system_cpu_usage?: number;
  online_cpus?: number;
}

/** One `docker stats` sample, the fields the agent reads. */
export interface StatsSample {
  cpu_stats?: CpuSample;
  precpu_stats?: CpuSample;
  memory_stats?: { usage?: number; limit?: number; stats?: { cache?: number; inactive_file?: number } };
  blkio_stats?: { io_service_bytes_recursive?: Array<{ op: string; value: number }> | null };
  networks?: Record<string, { rx_bytes?: number; tx_bytes?: number }>;
}

/** `docker top`. */
export interface ProcessList {
  Titles: string[];
  Processes: string[][];
}

export interface ExecSpec {
  Cmd: string[];
  AttachStdin?: boolean;
  AttachStdout?: boolean;
  AttachStderr?: boolean;
  Tty?: boolean;
}

export interface ExecInspection {
  ContainerID: string;
  Running: boolean;
  Pid: number;
  ExitCode: number | null;
}

export interface NetworkCreateSpec {
  Name: string;
  Driver: string;
  CheckDuplicate?: boolean;
  Labels?: Record<string, string>;
}

export interface NetworkSummary {
  Id: string;
  Name: string;
  Created?: string;
}

export interface NetworkInspection {
  Containers?: Record<string, unknown>;
}

export interface VolumeCreateSpec {
  Name: string;
  Labels?: Record<string, string>;
}

export interface VolumeSummary {
  Name: string;
  Labels?: Record<string, string> | null;
}

export interface EventFilters {
  type?: string[];
  event?: string[];
  label?: string[];
}
