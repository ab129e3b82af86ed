import type { Identity } from "../auth/identity.ts";
import { NotFoundError } from "../errors.ts";
import type { ContainerRecord } from "../model/container.ts";
import type { ContainerStore } from "../store/containers.ts";
import { UUID_PATTERN } from "../uuid.ts";

/**
 * Finds a container by uuid or by name within the caller's project. Another
 * project's container is reported as missing, never as forbidden; an admin
 * asking with `anyProject` may reach any container by its uuid.
 */
export async function findContainer(
  id: string,
  identity: Identity,
  containers: ContainerStore,
  options: { anyProject?: boolean } = {},
): Promise<ContainerRecord> {
  const uuid = UUID_PATTERN.test(id) ? id.toLowerCase() : await containers.findUuidByName(identity.projectId, id);
  const record = uuid ? await containers.get(uuid) : undefined;
  if (!record || (record.project_id !== identity.projectId && !options.anyProject))
    throw new NotFoundError(`Container ${id} could not be found.`);
  return record;
}
