import { randomUUID } from "node:crypto";
import type { SQSClient } from "@aws-sdk/client-sqs";
import type { BerthConfig } from "../config.ts";
import { IMAGE_PATTERN } from "../containers/validate-create.ts";
import { ConflictError, InvalidFieldError } from "../errors.ts";
import { isHostUp } from "../model/host.ts";
import type { ImageRecord } from "../model/image.ts";
import { sendToHost } from "../queue/host-messages.ts";
import type { Stores } from "../store/stores.ts";
import { repositoryAndTag } from "./reference.ts";

/** What a pull asks for: the repository, its tag, and the host (by name or id) to pull onto. */
export interface PullRequest {
  repo: string;
  tag: string;
  host: string;
}

/** Checks a `POST /v1/images` body, naming the first field that is wrong. */
export function validatePullBody(body: Record<string, unknown>): PullRequest {
  for (const field of Object.keys(body))
    if (!["repo", "tag", "host", "image_driver"].includes(field))
      throw new InvalidFieldError(field, "additional properties are not allowed");
  const named = body.repo;
  if (
    typeof named !== "string" ||
    named.length < 2 ||
    named.length > 255 ||
    !IMAGE_PATTERN.test(named) ||
    named.includes("@")
  )
    throw new InvalidFieldError("repo", "must be an image repository");
  const { repo, tag } = repositoryAndTag(named, body.tag);
  if (typeof body.host !== "string" || body.host === "")
    throw new InvalidFieldError("host", "is required: the host to pull onto");
  return { repo, tag, host: body.host };
}

/** Records the image as pulling on a host that is up and asks that host to pull it; its progress shows in the image's reason. */
export async function pullImage(
  request: PullRequest,
  who: { projectId: string; requestId: string },
  config: Pick<BerthConfig, "hostDownAfterSeconds">,
  stores: Pick<Stores, "hosts" | "images">,
  sqs: SQSClient,
): Promise<ImageRecord> {
  const host = (await stores.hosts.list()).find(
    (candidate) => candidate.hostname === request.host || candidate.id === request.host,
  );
  if (!host) throw new InvalidFieldError("host", `no host ${request.host}`);
  if (!isHostUp(host, config.hostDownAfterSeconds))
    throw new ConflictError(`Host ${host.hostname} is down.`, "host_unavailable");
  const now = new Date().toISOString();
  const image: ImageRecord = {
    uuid: randomUUID(),
    repo: request.repo,
    tag: request.tag,
    host_id: host.id,
    host: host.hostname,
    project_id: who.projectId,
    status: "pulling",
    image_id: null,
    size: null,
    reason: null,
    created_at: now,
    updated_at: now,
  };
  await stores.images.put(image);
  await sendToHost(sqs, host.queue_url, { kind: "pull_image", image_uuid: image.uuid, request_id: who.requestId });
  return image;
}
