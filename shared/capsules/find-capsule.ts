import type { Identity } from "../auth/identity.ts";
import { authorize, type PolicyRule } from "../auth/policy.ts";
import { ConflictError, NotFoundError } from "../errors.ts";
import type { CapsuleRecord } from "../model/capsule.ts";
import type { CapsuleStore } from "../store/capsules.ts";
import { UUID_PATTERN } from "../uuid.ts";

/**
 * A capsule by uuid, or by name within the caller's project (names need not
 * be unique: a name two capsules share is a 409, as in Zun). Another
 * project's capsule is missing, never forbidden; an admin asking with
 * `all_projects` reaches any by its uuid.
 */
export async function findCapsule(
  id: string,
  caller: Identity,
  capsules: CapsuleStore,
  options: { allProjects?: boolean; rule?: PolicyRule } = {},
): Promise<CapsuleRecord> {
  if (options.allProjects) authorize(caller, options.rule ?? "capsule:get_one_all_projects");
  let record: CapsuleRecord | undefined;
  if (UUID_PATTERN.test(id)) record = await capsules.get(id.toLowerCase());
  else {
    const named = (await capsules.listByProject(caller.projectId)).filter((capsule) => capsule.name === id);
    if (named.length > 1)
      throw new ConflictError(`Multiple capsules exist with name ${id}. Please use the capsule uuid instead.`);
    record = named[0];
  }
  if (!record || (record.project_id !== caller.projectId && !options.allProjects))
    throw new NotFoundError(`Capsule ${id} could not be found.`);
  return record;
}
