import { createHash } from "node:crypto";
import { InvalidFieldError } from "../errors.ts";

/**
 * Images made by `commit` are named under a registry no one can pull from,
 * in their project's namespace: a commit can never replace a tag anyone pulls
 * or another project made, and only its own project may run it.
 */
export const COMMITTED_REGISTRY = "berth.local";

/** A project's namespace under the committed registry: its id when that is a valid path component, else a digest of it. */
export function projectNamespace(projectId: string): string {
  return /^[a-z0-9]+([._-][a-z0-9]+)*$/.test(projectId) && projectId.length <= 64
    ? projectId
    : `p-${createHash("sha256").update(projectId).digest("hex").slice(0, 20)}`;
}

export function committedRepository(projectId: string, repository: string): string {
  return `${COMMITTED_REGISTRY}/${projectNamespace(projectId)}/${repository}`;
}

export function isCommittedImage(image: string): boolean {
  return image.startsWith(`${COMMITTED_REGISTRY}/`);
}

/** Whether a project may run (and see) an image: any but another project's committed ones. */
export function isUsableBy(image: string, projectId: string): boolean {
  return !isCommittedImage(image) || image.startsWith(`${COMMITTED_REGISTRY}/${projectNamespace(projectId)}/`);
}

/** Refuses, naming `field`, an image another project committed. */
export function assertImageUsableBy(image: string, projectId: string, field = "image"): void {
  if (!isUsableBy(image, projectId)) {
    throw new InvalidFieldError(field, `${image} was committed by another project`);
  }
}
