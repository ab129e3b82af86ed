import type { Identity } from "../auth/identity.ts";
import { ForbiddenError, InvalidFieldError } from "../errors.ts";
import { type GroupPolicy, type GroupRecord, isGroupPolicy, MAX_GROUP_MEMBERS } from "../model/group.ts";
import { type GroupState, type GroupStore, implicitGroupUuid } from "../store/groups.ts";
import { UUID_PATTERN } from "../uuid.ts";

/**
 * The server group a container joins (`hints.group`: a group's uuid or name).
 * A name no group of the project has is, as before server groups existed, an
 * implicit group keyed by project and name, made on first use with
 * `hints.group_policy` (default anti-affinity); a policy hint must agree with
 * the group it names. Returns the group with its per-host counts, as
 * placement needs them.
 */
export async function groupOfHints(
  hints: Record<string, string>,
  caller: Identity,
  groups: GroupStore,
): Promise<GroupState | undefined> {
  const reference = hints.group;
  if (reference === undefined) return undefined;
  const policy = hints.group_policy;
  if (policy !== undefined && !isGroupPolicy(policy))
    throw new InvalidFieldError("hints.group_policy", `'${policy}' is not a server group policy`);
  const found =
    (await groups.find(caller.projectId, reference)) ?? (await implicitGroup(reference, policy, caller, groups));
  if (found === "ambiguous")
    throw new InvalidFieldError("hints.group", `several server groups are named ${reference}: give its uuid`);
  if (policy !== undefined && policy !== found.group.policy)
    throw new InvalidFieldError(
      "hints.group_policy",
      `server group ${found.group.name} has policy ${found.group.policy}, not ${policy}`,
    );
  if ((found.group.members?.size ?? 0) >= MAX_GROUP_MEMBERS)
    throw new ForbiddenError(
      `Server group ${found.group.name} has ${MAX_GROUP_MEMBERS} members, the most a group may have (Nova's server_group_members quota).`,
    );
  return found;
}

async function implicitGroup(
  name: string,
  policy: GroupPolicy | undefined,
  caller: Identity,
  groups: GroupStore,
): Promise<GroupState> {
  if (UUID_PATTERN.test(name)) throw new InvalidFieldError("hints.group", `no server group ${name} in this project`);
  const group: GroupRecord = {
    uuid: implicitGroupUuid(caller.projectId, name),
    name,
    policy: policy ?? "anti-affinity",
    rules: {},
    project_id: caller.projectId,
    user_id: caller.userId,
    implicit: true,
    created_at: new Date().toISOString(),
  };
  if (await groups.create(group)) return { group, membersOnHost: {} };
  // A concurrent first use made it.
  const made = await groups.state(group.uuid);
  if (!made) throw new Error(`implicit group ${group.uuid} was made and is gone`);
  return made;
}
