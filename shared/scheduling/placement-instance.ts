import type { Claim } from "../model/container.ts";
import type { HostRecord } from "../model/host.ts";
import { ContentionWindow } from "./contention-window.ts";
import { GroupHolds } from "./group-holds.ts";

/** This instance's view of one table's hosts. */
export interface Snapshot {
  hosts: Map<string, HostRecord>;
  readAt: number;
  refreshing: Promise<void> | undefined;
  /** Claims this instance's placements are making right now, by host: counted in its view until they settle. */
  held: Map<string, Claim[]>;
}

/**
 * What one function instance remembers between placements, per table: its view
 * of the hosts and how widely it spreads its claims among the best of them.
 * A Lambda instance has one (`THIS_INSTANCE`); the scheduler benchmark makes
 * one per simulated instance.
 */
export class PlacementInstance {
  private readonly snapshots = new Map<string, Snapshot>();
  private readonly windows = new Map<string, ContentionWindow>();
  /** Server-group members this instance's placements are claiming right now. */
  readonly groupHolds = new GroupHolds();

  snapshotOf(table: string): Snapshot {
    let snapshot = this.snapshots.get(table);
    if (!snapshot) {
      snapshot = { hosts: new Map(), readAt: 0, refreshing: undefined, held: new Map() };
      this.snapshots.set(table, snapshot);
    }
    return snapshot;
  }

  windowOf(table: string, base: number): ContentionWindow {
    let window = this.windows.get(table);
    if (!window) {
      window = new ContentionWindow(base);
      this.windows.set(table, window);
    }
    return window;
  }
}

export const THIS_INSTANCE = new PlacementInstance();
