import type { HostRecord } from "../../shared/model/host.ts";

/**
 * A registered host for unit tests of placement: 4 cpus, 4 GiB, 100 GiB, up
 * (heartbeat at `overrides.heartbeat_at`, default now), nothing claimed.
 */
export function hostRecord(id: string, overrides: Partial<HostRecord> = {}): HostRecord {
  return {
    id,
    hostname: id,
    cpus: 4,
    cpu_total_millis: 4000,
    cpu_used_millis: 0,
    mem_total: 4096,
    mem_used: 0,
    disk_total: 100,
    disk_used: 0,
    total_containers: 0,
    architecture: "x86_64",
    os_type: "linux",
    os: "Debian",
    kernel_version: "6",
    labels: {},
    runtimes: ["runc"],
    availability_zone: "nova",
    queue_url: "q",
    enabled: true,
    disabled_reason: null,
    heartbeat_at: Date.now(),
    registered_at: "",
    ...overrides,
  };
}

/** A host of 4 cpus and 4,000 MiB with `usedShare` of both claimed: what the weighers rank. */
export function hostUsing(id: string, usedShare: number, overrides: Partial<HostRecord> = {}): HostRecord {
  return hostRecord(id, {
    mem_total: 4000,
    cpu_used_millis: 4000 * usedShare,
    mem_used: 4000 * usedShare,
    ...overrides,
  });
}
