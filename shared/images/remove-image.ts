import type { SQSClient } from "@aws-sdk/client-sqs";
import { ConflictError, NotFoundError } from "../errors.ts";
import type { ImageRecord } from "../model/image.ts";
import { sendToHost } from "../queue/host-messages.ts";
import type { Stores } from "../store/stores.ts";

/** An image by its uuid, or a 404. */
export async function findImage(id: string, images: Stores["images"]): Promise<ImageRecord> {
  const image = await images.get(id);
  if (!image) throw new NotFoundError(`Image ${id} could not be found.`);
  return image;
}

/** Marks an image deleting and asks its host to remove it (which refuses while a container uses it); an image whose host is gone is forgotten. */
export async function removeImage(
  image: ImageRecord,
  requestId: string,
  stores: Pick<Stores, "hosts" | "images">,
  sqs: SQSClient,
): Promise<void> {
  if (image.status === "pulling") throw new ConflictError(`Image ${image.uuid} is still being pulled.`, "image_busy");
  await stores.images.update(image.uuid, { status: "deleting" });
  const host = await stores.hosts.get(image.host_id);
  if (host)
    await sendToHost(sqs, host.queue_url, { kind: "delete_image", image_uuid: image.uuid, request_id: requestId });
  else await stores.images.delete(image.uuid);
}
