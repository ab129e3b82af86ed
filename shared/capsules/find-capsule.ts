import type { Identity } from "../config.ts";
import { UUID_PATTERN } from "../containers/find-container.ts";
import { ForbiddenError, NotFoundError } from "../errors.ts";
import { isAdmin } from "../http/context.ts";
import type { CapsuleStore } from "../store/capsules.ts";
import type { CapsuleRecord } from "./record.ts";

/**
 * A capsule by uuid, or by name within the caller's project. Another
 * project's capsule is missing, never forbidden; an admin asking with
 * `all_projects` reaches any by its uuid.
 */
export async function findCapsule(
  id: string,
  caller: Identity,
  capsules: CapsuleStore,
  options: { allProjects?: boolean } = {},
): Promise<CapsuleRecord> {
  if (options.allProjects && !isAdmin(caller)) throw new ForbiddenError("Only an admin may use all_projects.");
  const record = UUID_PATTERN.test(id)
    ? await capsules.get(id.toLowerCase())
    : (await capsules.listByProject(caller.projectId)).find((capsule) => capsule.name === id);
  if (!record || (record.project_id !== caller.projectId && !options.allProjects))
    throw new NotFoundError(`Capsule ${id} could not be found.`);
  return record;
}
