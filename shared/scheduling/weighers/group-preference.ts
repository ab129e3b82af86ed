import type { HostRecord } from "../../model/host.ts";
import type { PlacementRequest } from "../filters/filter.ts";
import type { HostWeigher } from "./weigher.ts";

/**
 * A soft group policy's wish for a host: soft-affinity prefers the hosts
 * holding most of the group's members, soft-anti-affinity those holding
 * fewest. Every host is equal otherwise.
 */
export function groupPreference(request: Pick<PlacementRequest, "group">): ((host: HostRecord) => number) | undefined {
  const placement = request.group;
  if (!placement) return undefined;
  const members = (host: HostRecord) => placement.membersOnHost[host.id] ?? 0;
  if (placement.group.policy === "soft-affinity") return members;
  if (placement.group.policy === "soft-anti-affinity") return (host) => -members(host);
  return undefined;
}

/**
 * The soft group policies as a weigher (Nova's soft-(anti-)affinity weighers).
 * Its weight is also the host's `preference`, which ranks before the sum of
 * the others, so a soft policy is kept whenever a host it likes fits.
 */
export const groupWeigher: HostWeigher = {
  name: "group",
  appliesTo: (request) => groupPreference(request) !== undefined,
  raw: (host, request) => groupPreference(request)?.(host) ?? 0,
};
