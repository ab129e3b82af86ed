import type { HostRecord } from "../hosts/record.ts";
import type { HostStore } from "../store/hosts.ts";
import { type Snapshot, THIS_INSTANCE } from "./placement-instance.ts";

/**
 * The hosts as this function instance last read them, re-read at most every
 * `maxAgeMs`, so a placement does not read every host item. A stale view is
 * safe: claims are conditional, so it can cost a retry, never an overcommit.
 * What this instance learns (a claim it made, a host it re-read) is folded in.
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
    return [...this.snapshot.hosts.values()];
  }

  /** Replaces one host with a fresher reading (or drops it when it is gone). */
  learn(hostId: string, fresh: HostRecord | undefined): void {
    if (fresh) this.snapshot.hosts.set(hostId, fresh);
    else this.snapshot.hosts.delete(hostId);
  }
}
