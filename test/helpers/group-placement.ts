import type { GroupPolicy } from "../../shared/model/group.ts";
import type { GroupPlacement } from "../../shared/scheduling/filters/filter.ts";

/** A server group as placement sees it, for unit tests: `membersOnHost` counts by host id. */
export function groupPlacement(
  name: string,
  policy: GroupPolicy,
  membersOnHost: Record<string, number> = {},
  options: { maxPerHost?: number; affinityHost?: string } = {},
): GroupPlacement {
  const otherMembers = Object.values(membersOnHost).reduce((sum, count) => sum + count, 0);
  const affinityHost = options.affinityHost ?? Object.keys(membersOnHost)[0];
  return {
    group: {
      uuid: `uuid-of-${name}`,
      name,
      policy,
      rules: options.maxPerHost ? { max_server_per_host: options.maxPerHost } : {},
      project_id: "demo",
      user_id: "demo",
      created_at: "",
      ...(affinityHost ? { host: affinityHost } : {}),
    },
    membersOnHost,
    otherMembers,
  };
}
