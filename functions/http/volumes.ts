import { ConflictError, NotFoundError } from "../../shared/errors.ts";
import { httpHandler } from "../../shared/http/handler.ts";
import { baseUrlOf, pathParameter, queryParameters } from "../../shared/http/request.ts";
import { json, noContent } from "../../shared/http/responses.ts";
import type { VolumeRecord } from "../../shared/model/volume.ts";
import { sendToHost } from "../../shared/queue/host-messages.ts";

/** GET /v1/volumes: the project's volumes, those kept after their container too. */
export const list = httpHandler(async (event, { stores, caller }) => {
  queryParameters(event, []);
  const volumes = await stores.volumes.listByProject(caller.projectId);
  return json(200, { volumes: volumes.map((volume) => volumeView(volume, baseUrlOf(event))) });
});

/** GET /v1/volumes/{id}: by uuid or name. */
export const show = httpHandler(async (event, { stores, caller }) => {
  queryParameters(event, []);
  const volume = await stores.volumes.find(caller.projectId, pathParameter(event, "id"));
  if (!volume) throw new NotFoundError(`Volume ${pathParameter(event, "id")} could not be found.`);
  return json(200, volumeView(volume, baseUrlOf(event)));
});

/**
 * DELETE /v1/volumes/{id}: the only way a volume that outlived its container
 * goes away. Refused while a container uses it; its size goes back to the
 * host and the quota, then its host removes it from Docker.
 */
export const remove = httpHandler(async (event, { stores, sqs, caller, requestId }) => {
  queryParameters(event, []);
  const volume = await stores.volumes.find(caller.projectId, pathParameter(event, "id"));
  if (!volume) throw new NotFoundError(`Volume ${pathParameter(event, "id")} could not be found.`);
  const release = [
    stores.hosts.releaseDiskItem(volume.host_id, volume.size),
    stores.quotas.adjustItem(volume.project_id, { containers: 0, cpuMillis: 0, memory: 0, disk: -volume.size }),
  ];
  if (!(await stores.volumes.deleteUnused(volume, release))) {
    throw new ConflictError(
      `Volume ${volume.uuid} is in use by a container; delete the container first.`,
      "volume_in_use",
    );
  }
  const host = await stores.hosts.get(volume.host_id);
  if (host)
    await sendToHost(sqs, host.queue_url, {
      kind: "delete_volume",
      volume_uuid: volume.uuid,
      request_id: requestId,
    });
  return noContent();
});

function volumeView(volume: VolumeRecord & { attached?: Set<string> }, base: string) {
  return {
    uuid: volume.uuid,
    name: volume.name,
    size: volume.size,
    host_id: volume.host_id,
    project_id: volume.project_id,
    container_uuid: volume.container_uuid,
    attached_to: [...(volume.attached ?? [])],
    auto_remove: volume.auto_remove,
    created_at: volume.created_at,
    links: [{ href: `${base}/v1/volumes/${volume.uuid}`, rel: "self" }],
  };
}
