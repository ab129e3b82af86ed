/** Nova's server-group policies: the hard ones filter hosts, the soft ones weigh them. */
export const GROUP_POLICIES = ["affinity", "anti-affinity", "soft-affinity", "soft-anti-affinity"] as const;
export type GroupPolicy = (typeof GROUP_POLICIES)[number];

export function isGroupPolicy(value: unknown): value is GroupPolicy {
  return (GROUP_POLICIES as readonly unknown[]).includes(value);
}

/**
 * The most members a group may have: its member set lives in one item, far
 * below DynamoDB's item size at this count (concurrent joins may pass it by a few).
 */
export const MAX_GROUP_MEMBERS = 1000;

/** A server group: containers that join it are placed together (affinity) or apart (anti-affinity). */
export interface GroupRecord {
  uuid: string;
  name: string;
  policy: GroupPolicy;
  /** Only with anti-affinity: how many members one host may hold (Nova's default is 1). */
  rules: { max_server_per_host?: number };
  project_id: string;
  user_id: string;
  /** The containers holding a place in the group (absent when there are none). */
  members?: Set<string>;
  /** With affinity: the host its members are on (stale once it has no members). */
  host?: string;
  /** Made by a `group_policy` hint rather than by POST /v1/server_groups. */
  implicit?: boolean;
  created_at: string;
}

/** How many members of the group a host may hold under a hard anti-affinity policy. */
export function maxMembersPerHost(group: Pick<GroupRecord, "rules">): number {
  return group.rules.max_server_per_host ?? 1;
}
