import type { HostRecord } from "../../hosts/record.ts";
import type { PlacementRequest } from "../filters/filter.ts";

/**
 * A soft group policy's wish for a host, ranked before the strategy's score:
 * soft-affinity prefers the hosts holding most of the group's members,
 * soft-anti-affinity those holding fewest. Every host is equal otherwise.
 */
export function groupPreference(request: Pick<PlacementRequest, "group">): ((host: HostRecord) => number) | undefined {
  const placement = request.group;
  if (!placement) return undefined;
  const members = (host: HostRecord) => placement.membersOnHost[host.id] ?? 0;
  if (placement.group.policy === "soft-affinity") return members;
  if (placement.group.policy === "soft-anti-affinity") return (host) => -members(host);
  return undefined;
}
