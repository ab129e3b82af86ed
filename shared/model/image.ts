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
