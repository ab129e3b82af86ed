import type { HostRecord } from "../hosts/record.ts";
import type { HostStore } from "../store/hosts.ts";

interface Snapshot {
  hosts: Map<string, HostRecord>;
  readAt: number;
  refreshing: Promise<void> | undefined;
}

/** One snapshot per table, shared by every placement in this function instance. */
const snapshots = new Map<string, Snapshot>();

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

  static of(hosts: HostStore, table: string, maxAgeMs: number): HostSnapshot {
    let snapshot = snapshots.get(table);
    if (!snapshot) {
      snapshot = { hosts: new Map(), readAt: 0, refreshing: undefined };
      snapshots.set(table, snapshot);
    }
    return new HostSnapshot(hosts, snapshot, maxAgeMs);
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
