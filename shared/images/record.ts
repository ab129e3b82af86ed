/** An image the images API pulled onto a host, as Zun's images API shows it. */
export interface ImageRecord {
  uuid: string;
  repo: string;
  tag: string;
  host_id: string;
  host: string;
  project_id: string;
  status: "pulling" | "active" | "error" | "deleting";
  /** Docker's id, once pulled. */
  image_id: string | null;
  /** Bytes, once pulled. */
  size: number | null;
  reason: string | null;
  created_at: string;
  updated_at: string;
}

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
