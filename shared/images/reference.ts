import { InvalidFieldError } from "../errors.ts";

const TAG_PATTERN = /^\w[\w.-]{0,127}$/;

/**
 * Splits an images API `repo` into repository and tag, as `zun pull repo:tag`
 * sends it: the tag is what follows the last `:` after the last `/` (a
 * registry's port is not a tag). A tag in both places must agree.
 */
export function repositoryAndTag(repo: string, tag: unknown): { repo: string; tag: string } {
  const lastSlash = repo.lastIndexOf("/");
  const colon = repo.indexOf(":", lastSlash + 1);
  const inRepo = colon >= 0 ? repo.slice(colon + 1) : undefined;
  const repository = colon >= 0 ? repo.slice(0, colon) : repo;
  const given = tag === undefined || tag === null || tag === "" ? undefined : tag;
  if (given !== undefined && (typeof given !== "string" || !TAG_PATTERN.test(given)))
    throw new InvalidFieldError("tag", "must be an image tag");
  if (inRepo !== undefined && !TAG_PATTERN.test(inRepo))
    throw new InvalidFieldError("repo", `'${inRepo}' is not an image tag`);
  if (inRepo !== undefined && given !== undefined && inRepo !== given) {
    throw new InvalidFieldError("repo", `names tag ${inRepo} while the field tag says ${given}`);
  }
  return { repo: repository, tag: inRepo ?? (given as string | undefined) ?? "latest" };
}

/** The registry an image reference names, if any ("registry:5000/team/app" → "registry:5000"). */
export function registryDomainOf(image: string): string | undefined {
  const first = image.split("/")[0]!;
  return image.includes("/") && (first.includes(".") || first.includes(":") || first === "localhost")
    ? first
    : undefined;
}

const DOCKER_HUB = new Set(["docker.io", "index.docker.io", "registry-1.docker.io"]);

/** Whether a registry at `domain` is where `image` is pulled from (an image naming no registry comes from Docker Hub). */
export function isServedBy(image: string, domain: string): boolean {
  const imageDomain = registryDomainOf(image);
  if (imageDomain === undefined) return DOCKER_HUB.has(domain.toLowerCase());
  return imageDomain.toLowerCase() === domain.toLowerCase();
}
