import type { HostFilter } from "./filter.ts";

export const GROUP_HINT = "group";
export const GROUP_POLICY_HINT = "group_policy";

/**
 * Server-group placement (hints `group` and `group_policy`): with `affinity`
 * the group's containers share one host, with `anti-affinity` each is on a
 * host of its own (ECS's distinctInstance).
 */
export const groupAffinityFilter: HostFilter = {
  name: "group",
  passes: (host, request) => {
    if (!request.spec.hints[GROUP_HINT]) return true;
    const members = request.groupHostIds;
    if (request.spec.hints[GROUP_POLICY_HINT] === "affinity") return members.length === 0 || members.includes(host.id);
    return !members.includes(host.id);
  },
  explain: (_rejected, request) =>
    request.spec.hints[GROUP_POLICY_HINT] === "affinity"
      ? `not where group ${request.spec.hints[GROUP_HINT]} runs (affinity)`
      : `already running a member of group ${request.spec.hints[GROUP_HINT]} (anti-affinity)`,
};
