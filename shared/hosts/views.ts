import { type HostRecord, isHostUp } from "../model/host.ts";

/** A host as Zun's hosts API shows it. */
export function hostView(host: HostRecord, baseUrl: string) {
  const href = `${baseUrl}/v1/hosts/${host.id}`;
  return {
    uuid: host.id,
    hostname: host.hostname,
    mem_total: host.mem_total,
    mem_used: host.mem_used,
    cpus: host.cpus,
    cpu_used: host.cpu_used_millis / 1000,
    disk_total: host.disk_total,
    disk_used: host.disk_used,
    disk_quota_supported: false,
    total_containers: host.total_containers,
    architecture: host.architecture,
    os_type: host.os_type,
    os: host.os,
    kernel_version: host.kernel_version,
    labels: host.labels,
    runtimes: host.runtimes,
    enable_cpu_pinning: false,
    availability_zone: host.availability_zone,
    // Berth's own: what the host's Docker has that Berth has no record of (kept, never removed).
    unknown_containers: host.unknown_containers ?? [],
    unknown_container_count: host.unknown_container_count ?? 0,
    unknown_volumes: host.unknown_volumes ?? [],
    unknown_volume_count: host.unknown_volume_count ?? 0,
    links: [
      { href, rel: "self" },
      { href, rel: "bookmark" },
    ],
  };
}

export const COMPUTE_BINARY = "zun-compute";

/** A host's agent as Zun's services API shows a zun-compute service. */
export function serviceView(host: HostRecord, downAfterSeconds: number) {
  return {
    id: host.id,
    host: host.hostname,
    binary: COMPUTE_BINARY,
    state: !host.forced_down && isHostUp(host, downAfterSeconds) ? "up" : "down",
    disabled: !host.enabled,
    disabled_reason: host.disabled_reason,
    forced_down: host.forced_down ?? false,
    last_seen_up: new Date(host.heartbeat_at).toISOString(),
    availability_zone: host.availability_zone,
    created_at: host.registered_at,
    updated_at: new Date(host.heartbeat_at).toISOString(),
    report_count: null,
  };
}
