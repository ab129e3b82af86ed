import type { Claim } from "../model/container.ts";
import type { HostRecord } from "../model/host.ts";
import type { HostStore } from "../store/hosts.ts";
import { type Snapshot, THIS_INSTANCE } from "./placement-instance.ts";

/**
 * The hosts as this function instance last read them, re-read at most every
 * `maxAgeMs`, so a placement does not read every host item. A stale view is
 * safe: claims are conditional, so it can cost a retry, never an overcommit.
 * What this instance learns (a claim it made, a host it re-read) is folded in,
 * and so are the claims its placements are making right now: concurrent
 * placements in one instance see a host fill as they reach for it, instead of
 * all finding it room and all but one being refused.
 */
export class HostSnapshot {
  private constructor(
    private readonly hosts: HostStore,
    private readonly snapshot: Snapshot,
    private readonly maxAgeMs: number,
  ) {}

  /** One snapshot per table, shared by every placement in this function instance. */
  static of(hosts: HostStore, table: string, maxAgeMs: number, instance = THIS_INSTANCE): HostSnapshot {
    return new HostSnapshot(hosts, instance.snapshotOf(table), maxAgeMs);
  }

  /** The hosts, re-read when the snapshot is older than allowed (or `fresh` asks for it). */
  async current(fresh = false): Promise<HostRecord[]> {
    if (fresh || Date.now() - this.snapshot.readAt > this.maxAgeMs) {
      this.snapshot.refreshing ??= this.hosts
        .list()
        .then((hosts) => {
          this.snapshot.hosts = new Map(hosts.map((host) => [host.id, host]));
          this.snapshot.readAt = Date.now();
        })
        .finally(() => {
          this.snapshot.refreshing = undefined;
        });
      await this.snapshot.refreshing;
    }
    const hosts = [...this.snapshot.hosts.values()];
    if (this.snapshot.held.size === 0) return hosts;
    return hosts.map((host) => (this.snapshot.held.get(host.id) ?? []).reduce(withClaim, host));
  }

  /** Counts `claim` on the host in this instance's view while it is being made; the returned function lets go. */
  hold(hostId: string, claim: Claim): () => void {
    const held = this.snapshot.held.get(hostId) ?? [];
    this.snapshot.held.set(hostId, [...held, claim]);
    return () => {
      const rest = (this.snapshot.held.get(hostId) ?? []).filter((other) => other !== claim);
      if (rest.length > 0) this.snapshot.held.set(hostId, rest);
      else this.snapshot.held.delete(hostId);
    };
  }

  /** A claim this instance made went through: the host as last read, plus it. */
  learnClaim(hostId: string, claim: Claim): void {
    const host = this.snapshot.hosts.get(hostId);
    if (host) this.snapshot.hosts.set(hostId, withClaim(host, claim));
  }

  /** Replaces one host with a fresher reading (or drops it when it is gone). */
  learn(hostId: string, fresh: HostRecord | undefined): void {
    if (fresh) this.snapshot.hosts.set(hostId, fresh);
    else this.snapshot.hosts.delete(hostId);
  }
}

export function withClaim(host: HostRecord, claim: Claim): HostRecord {
  return {
    ...host,
    cpu_used_millis: host.cpu_used_millis + claim.cpuMillis,
    mem_used: host.mem_used + claim.memory,
    disk_used: host.disk_used + claim.disk,
    total_containers: host.total_containers + (claim.containers ?? 1),
    ...(claim.cores?.length ? { pinned_cores: new Set([...(host.pinned_cores ?? []), ...claim.cores]) } : {}),
  };
}
