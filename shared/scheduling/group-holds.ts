import type { GroupPlacement } from "./filters/filter.ts";

/**
 * The server-group members this instance is placing right now, by group and
 * host: counted with what it read of the group, so two of its own placements of one anti-affinity
 * group do not reach for the same host, as claims in flight count in its view
 * of the hosts. A member counts only while its claim is in flight: once it
 * settles, the table has it (and a member deleted right after frees its host
 * at once). The claim transaction still checks the group: this only saves
 * the race, never decides.
 */
export class GroupHolds {
  private readonly held = new Map<string, Map<string, number>>();

  /** The group as read, with this instance's members in flight on each host (the larger count of the two). */
  seenBy(placement: GroupPlacement): GroupPlacement {
    const held = this.held.get(placement.group.uuid);
    if (!held || held.size === 0) return placement;
    const membersOnHost = { ...placement.membersOnHost };
    for (const [hostId, count] of held) membersOnHost[hostId] = Math.max(membersOnHost[hostId] ?? 0, count);
    return { ...placement, membersOnHost };
  }

  /** Counts a member of the group on `hostId` while its claim is made; the returned call lets it go. */
  hold(groupUuid: string, hostId: string): () => void {
    const held = this.held.get(groupUuid) ?? new Map<string, number>();
    this.held.set(groupUuid, held);
    held.set(hostId, (held.get(hostId) ?? 0) + 1);
    return () => {
      const count = (held.get(hostId) ?? 1) - 1;
      if (count > 0) held.set(hostId, count);
      else held.delete(hostId);
      if (held.size === 0) this.held.delete(groupUuid);
    };
  }
}
