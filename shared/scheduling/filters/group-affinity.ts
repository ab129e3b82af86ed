import { maxMembersPerHost } from "../../model/group.ts";
import type { HostFilter } from "./filter.ts";

export const GROUP_HINT = "group";
export const GROUP_POLICY_HINT = "group_policy";

/**
 * A server group's hard policy (hints `group`): with `affinity` its members
 * share one host, with `anti-affinity` a host holds at most
 * `max_server_per_host` of them (default 1). The soft policies weigh instead
 * (weighers/group-preference.ts). This filter reads the group as it was
 * before placing; the claim transaction checks it again.
 */
export const groupAffinityFilter: HostFilter = {
  name: "group",
  passes: (host, request) => {
    const placement = request.group;
    if (!placement) return true;
    const { group, membersOnHost, otherMembers } = placement;
    if (group.policy === "affinity") return otherMembers === 0 || !group.host || group.host === host.id;
    if (group.policy === "anti-affinity") return (membersOnHost[host.id] ?? 0) < maxMembersPerHost(group);
    return true;
  },
  explain: (_rejected, request) => {
    const group = request.group!.group;
    if (group.policy === "affinity") return `not where group ${group.name} runs (affinity)`;
    const max = maxMembersPerHost(group);
    return `already running ${max === 1 ? "a member" : `${max} members`} of group ${group.name} (anti-affinity)`;
  },
};
