import { randomUUID } from "node:crypto";
import { allows, authorize } from "../../shared/auth/policy.ts";
import { askHostItself } from "../../shared/containers/ask-host.ts";
import { IMAGE_PATTERN } from "../../shared/containers/validate-create.ts";
import { BerthError, ConflictError, InvalidFieldError, NotFoundError } from "../../shared/errors.ts";
import { isHostUp } from "../../shared/hosts/record.ts";
import type { HttpContext } from "../../shared/http/context.ts";
import { httpHandler } from "../../shared/http/handler.ts";
import {
  baseUrlOf,
  booleanParameter,
  pathParameter,
  queryParameters,
  stringParameter,
} from "../../shared/http/request.ts";
import { json, noContent } from "../../shared/http/responses.ts";
import { isUsableBy } from "../../shared/images/committed-images.ts";
import { type ImageRecord, imageView } from "../../shared/images/record.ts";
import { repositoryAndTag } from "../../shared/images/reference.ts";
import { sendToHost } from "../../shared/queue/host-messages.ts";
import { sqsClientFor } from "../../shared/store/clients.ts";
import { storesFor } from "../../shared/store/stores.ts";
import { FUNCTION_TIMEOUT_MS } from "../../shared/time-limits.ts";

/** POST /v1/images {repo, tag, host} (admin): pull an image onto a host; 202, the pull's progress shows in the image's reason. */
export const pull = httpHandler(async (event, context) => {
  queryParameters(event, []);
  authorize(context.caller, "image:manage");
  const body = (context.body ?? {}) as Record<string, unknown>;
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
  const stores = storesFor(context.config);
  const host = (await stores.hosts.list()).find(
    (candidate) => candidate.hostname === body.host || candidate.id === body.host,
  );
  if (!host) throw new InvalidFieldError("host", `no host ${body.host}`);
  if (!isHostUp(host, context.config.hostDownAfterSeconds))
    throw new ConflictError(`Host ${host.hostname} is down.`, "host_unavailable");
  const now = new Date().toISOString();
  const image: ImageRecord = {
    uuid: randomUUID(),
    repo,
    tag,
    host_id: host.id,
    host: host.hostname,
    project_id: context.caller.projectId,
    status: "pulling",
    image_id: null,
    size: null,
    reason: null,
    created_at: now,
    updated_at: now,
  };
  await stores.images.put(image);
  await sendToHost(sqsClientFor(context.config), host.queue_url, {
    kind: "pull_image",
    image_uuid: image.uuid,
    request_id: context.requestId,
  });
  return json(202, imageView(image, baseUrlOf(event)));
});

/** GET /v1/images (admin). */
export const list = httpHandler(async (event, context) => {
  queryParameters(event, []);
  authorize(context.caller, "image:manage");
  const images = await storesFor(context.config).images.list();
  return json(200, { images: images.map((image) => imageView(image, baseUrlOf(event))) });
});

/** GET /v1/images/{id} (admin). */
export const show = httpHandler(async (event, context) => {
  queryParameters(event, []);
  authorize(context.caller, "image:manage");
  return json(200, imageView(await imageOf(pathParameter(event, "id"), context), baseUrlOf(event)));
});

/** DELETE /v1/images/{id} (admin): its host removes it, unless a container still uses it. */
export const remove = httpHandler(async (event, context) => {
  queryParameters(event, []);
  authorize(context.caller, "image:manage");
  const image = await imageOf(pathParameter(event, "id"), context);
  if (image.status === "pulling") throw new ConflictError(`Image ${image.uuid} is still being pulled.`, "image_busy");
  const stores = storesFor(context.config);
  await stores.images.update(image.uuid, { status: "deleting" });
  const host = await stores.hosts.get(image.host_id);
  if (host)
    await sendToHost(sqsClientFor(context.config), host.queue_url, {
      kind: "delete_image",
      image_uuid: image.uuid,
      request_id: context.requestId,
    });
  else await stores.images.delete(image.uuid);
  return noContent();
});

/**
 * GET /v1/images/{image}/search[?exact=true]: the images on the hosts that are
 * up whose repository matches, each host asked directly (no registry is
 * searched). Any member may search, as Zun's admin_or_owner policy lets them;
 * a member never sees another project's committed images.
 */
export const search = httpHandler(async (event, context) => {
  // python-zunclient sends `exact_match`; `exact` is Zun's own name.
  const query = queryParameters(event, ["exact", "exact_match", "image_driver", "host"]);
  const visible = (name: string) =>
    allows(context.caller, "image:search_all_projects") || isUsableBy(name, context.caller.projectId);
  const term = pathParameter(event, "image");
  const onlyHost = stringParameter(query, "host");
  const stores = storesFor(context.config);
  const hosts = (await stores.hosts.list()).filter(
    (host) =>
      isHostUp(host, context.config.hostDownAfterSeconds) && (!onlyHost || [host.hostname, host.id].includes(onlyHost)),
  );
  const options = {
    hostDownAfterSeconds: context.config.hostDownAfterSeconds,
    remainingMs: context.getRemainingTimeInMillis?.() ?? FUNCTION_TIMEOUT_MS,
    waitMs: context.config.hostAnswerSeconds * 1000,
  };
  const answers = await Promise.all(
    hosts.slice(0, 20).map(async (host, index) => {
      try {
        const found = await askHostItself<Array<Record<string, unknown>>>(
          host,
          "search_images",
          "",
          { term, exact: booleanParameter(query, "exact") || booleanParameter(query, "exact_match") },
          { ...options, requestId: `${context.requestId}-${index}` },
          stores,
          sqsClientFor(context.config),
        );
        return found.filter((image) => visible(String(image.name))).map((image) => ({ ...image, host: host.hostname }));
      } catch (error) {
        if (error instanceof BerthError) return [];
        throw error;
      }
    }),
  );
  return json(200, { images: answers.flat() });
});

async function imageOf(id: string, context: HttpContext): Promise<ImageRecord> {
  const image = await storesFor(context.config).images.get(id);
  if (!image) throw new NotFoundError(`Image ${id} could not be found.`);
  return image;
}
