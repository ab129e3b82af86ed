import type { GroupRecord } from "../model/group.ts";

/** What the API shows of a group, as Nova 2.64 does. */
export function groupView(group: GroupRecord) {
  return {
    id: group.uuid,
    name: group.name,
    policy: group.policy,
    rules: group.rules,
    members: [...(group.members ?? [])].sort(),
    project_id: group.project_id,
    user_id: group.user_id,
  };
}
