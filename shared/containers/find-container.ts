import type { Identity } from "../config.ts";
import { NotFoundError } from "../errors.ts";
import type { ContainerStore } from "../store/containers.ts";
import type { ContainerRecord } from "./record.ts";

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Finds a container by uuid or by name within the caller's project. Another
 * project's container is reported as missing, never as forbidden.
 */
export async function findContainer(id: string, identity: Identity, containers: ContainerStore): Promise<ContainerRecord> {
  const uuid = UUID_PATTERN.test(id) ? id.toLowerCase() : await containers.findUuidByName(identity.projectId, id);
  const record = uuid ? await containers.get(uuid) : undefined;
  if (!record || record.project_id !== identity.projectId) throw new NotFoundError(`Container ${id} could not be found.`);
  return record;
}
