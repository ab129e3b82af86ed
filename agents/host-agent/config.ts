import { homedir } from "node:os";
import { join } from "node:path";
import { type BerthConfig, readConfig } from "../../shared/config.ts";
import { positiveNumber } from "../../shared/env-values.ts";
import { HOST_FIREWALL_SETTINGS, type HostFirewallSetting } from "./firewall/host-firewall.ts";
import { type AllowedHostPort, parseAllowedHostPorts } from "./firewall/isolation-rules.ts";
import { DEFAULT_DENIED_REGISTRY_NETWORKS } from "./registry-guard.ts";

export interface AgentConfig extends BerthConfig {
  /** A fixed host id; by default the one kept in `stateDir`. */
  hostId: string | undefined;
  /**
   * The agent's own folder, kept across its restarts: what must survive the
   * process (its host identity, the work it held when it stopped) lives here.
   * One agent per folder.
   */
  stateDir: string;
  availabilityZone: string;
  labels: Record<string, string>;
  heartbeatSeconds: number;
  /** SQS long-poll wait per receive. */
  pollWaitSeconds: number;
  /** How long a received message stays hidden; extended while its work runs. */
  visibilitySeconds: number;
  /** Deliveries before a message is dead-lettered. */
  maxReceiveCount: number;
  /** Lifecycle messages handled at once. */
  concurrency: number;
  /** Host queries (logs, execute…) held at once, in a lane of their own. */
  queryConcurrency: number;
  dockerSocket: string;
  /** How often every container on the host is checked against Docker (Zun: 60 s). */
  syncSeconds: number;
  /** How many times its real cpus a host offers (Nova's cpu_allocation_ratio); 1 claims no more than there is. */
  cpuAllocationRatio: number;
  /** How many times its real disk a host offers (Nova's disk_allocation_ratio); Docker does not enforce disk sizes. */
  diskAllocationRatio: number;
  /** Host ports exposed ports are published on, inclusive. */
  hostPortRange: [number, number];
  /** Networks (CIDRs) no image may be pulled from: the host's own and the cloud's metadata by default. */
  deniedRegistryNetworks: string;
  /** Whether the agent installs the rules keeping containers off the host's own addresses and the metadata address. */
  hostFirewall: HostFirewallSetting;
  /** Ports on the host's own addresses containers may still reach (none by default). */
  hostFirewallAllowedPorts: AllowedHostPort[];
  /** The image of a capsule's sandbox (the container owning its network namespace), and its command if not the image's. */
  sandboxImage: string;
  sandboxCommand: string[] | undefined;
}

export function readAgentConfig(env: NodeJS.ProcessEnv = process.env): AgentConfig {
  return {
    ...readConfig(env),
    hostId: env.BERTH_HOST_ID || undefined,
    stateDir: env.BERTH_AGENT_STATE_DIR || defaultStateDir(),
    availabilityZone: env.BERTH_AVAILABILITY_ZONE || "nova",
    labels: parseLabels(env.BERTH_HOST_LABELS ?? ""),
    heartbeatSeconds: positiveNumber(env, "BERTH_HEARTBEAT_SECONDS", 10),
    pollWaitSeconds: positiveNumber(env, "BERTH_POLL_WAIT_SECONDS", 20),
    visibilitySeconds: positiveNumber(env, "BERTH_VISIBILITY_SECONDS", 60),
    maxReceiveCount: positiveNumber(env, "BERTH_MAX_RECEIVE_COUNT", 5),
    concurrency: positiveNumber(env, "BERTH_AGENT_CONCURRENCY", 10),
    queryConcurrency: positiveNumber(env, "BERTH_AGENT_QUERY_CONCURRENCY", 8),
    dockerSocket: env.BERTH_DOCKER_SOCKET || "/var/run/docker.sock",
    syncSeconds: positiveNumber(env, "BERTH_SYNC_SECONDS", 60),
    cpuAllocationRatio: positiveNumber(env, "BERTH_CPU_ALLOCATION_RATIO", 1),
    diskAllocationRatio: positiveNumber(env, "BERTH_DISK_ALLOCATION_RATIO", 1),
    hostPortRange: parsePortRange(env.BERTH_HOST_PORT_RANGE ?? "30000-32767"),
    deniedRegistryNetworks: env.BERTH_DENIED_REGISTRY_NETWORKS ?? DEFAULT_DENIED_REGISTRY_NETWORKS,
    hostFirewall: parseHostFirewall(env.BERTH_HOST_FIREWALL || "on"),
    hostFirewallAllowedPorts: parseAllowedHostPorts(env.BERTH_HOST_FIREWALL_ALLOWED_PORTS ?? ""),
    sandboxImage: env.BERTH_SANDBOX_IMAGE || "registry.k8s.io/pause:3.10",
    sandboxCommand: env.BERTH_SANDBOX_COMMAND ? env.BERTH_SANDBOX_COMMAND.split(/\s+/).filter(Boolean) : undefined,
  };
}

function defaultStateDir(): string {
  return process.getuid?.() === 0 ? "/var/lib/berth-agent" : join(homedir(), ".local", "state", "berth-agent");
}

function parseLabels(raw: string): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const pair of raw
    .split(",")
    .map((item) => item.trim())
    .filter(Boolean)) {
    const [key, ...rest] = pair.split("=");
    if (!key || rest.length === 0) throw new Error(`configuration: BERTH_HOST_LABELS entry ${pair} is not key=value`);
    labels[key] = rest.join("=");
  }
  return labels;
}

function parseHostFirewall(raw: string): HostFirewallSetting {
  const setting = HOST_FIREWALL_SETTINGS.find((known) => known === raw.trim());
  if (!setting)
    throw new Error(`configuration: BERTH_HOST_FIREWALL ${raw} is not one of ${HOST_FIREWALL_SETTINGS.join(", ")}`);
  return setting;
}

function parsePortRange(raw: string): [number, number] {
  const match = /^(\d+)-(\d+)$/.exec(raw.trim());
  const [start, end] = match ? [Number(match[1]), Number(match[2])] : [NaN, NaN];
  if (!(start >= 1 && end <= 65535 && start <= end))
    throw new Error(`configuration: BERTH_HOST_PORT_RANGE ${raw} is not a range like 30000-32767`);
  return [start, end];
}
