import type { QueryHandler } from "./query-handler.ts";

/** This host's images whose repository matches a term (exactly, or containing it). */
export const searchImages: QueryHandler = async ({ docker, params }) => {
  const term = String(params.term);
  const exact = params.exact === true;
  const images = await docker.listImages();
  const found: Array<{ name: string; tag: string; image_id: string; size: number }> = [];
  for (const image of images) {
    for (const reference of image.RepoTags ?? []) {
      const colon = reference.lastIndexOf(":");
      const name = reference.slice(0, colon);
      if (exact ? name === term : name.includes(term))
        found.push({ name, tag: reference.slice(colon + 1), image_id: image.Id, size: image.Size });
    }
  }
  return found;
};
