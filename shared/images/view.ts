import type { ImageRecord } from "../model/image.ts";

export function imageView(image: ImageRecord, base: string) {
  const { uuid, repo, tag, host, project_id, status, image_id, size, reason, created_at, updated_at } = image;
  return {
    uuid,
    repo,
    tag,
    host,
    project_id,
    status,
    image_id,
    size,
    reason,
    created_at,
    updated_at,
    links: [{ href: `${base}/v1/images/${uuid}`, rel: "self" }],
  };
}
