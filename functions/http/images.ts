import { authorize } from "../../shared/auth/policy.ts";
import { httpHandler } from "../../shared/http/handler.ts";
import {
  baseUrlOf,
  booleanParameter,
  pathParameter,
  queryParameters,
  stringParameter,
} from "../../shared/http/request.ts";
import { json, noContent } from "../../shared/http/responses.ts";
import { pullImage, validatePullBody } from "../../shared/images/pull-image.ts";
import { findImage, removeImage } from "../../shared/images/remove-image.ts";
import { searchImages } from "../../shared/images/search-images.ts";
import { imageView } from "../../shared/images/view.ts";
import { FUNCTION_TIMEOUT_MS } from "../../shared/time-limits.ts";

/** POST /v1/images {repo, tag, host} (admin): pull an image onto a host; 202, the pull's progress shows in the image's reason. */
export const pull = httpHandler(async (event, context) => {
  queryParameters(event, []);
  authorize(context.caller, "image:manage");
  const request = validatePullBody((context.body ?? {}) as Record<string, unknown>);
  const image = await pullImage(
    request,
    { projectId: context.caller.projectId, requestId: context.requestId },
    context.config,
    context.stores,
    context.sqs,
  );
  return json(202, imageView(image, baseUrlOf(event)));
});

/** GET /v1/images (admin). */
export const list = httpHandler(async (event, context) => {
  queryParameters(event, []);
  authorize(context.caller, "image:manage");
  const images = await context.stores.images.list();
  return json(200, { images: images.map((image) => imageView(image, baseUrlOf(event))) });
});

/** GET /v1/images/{id} (admin). */
export const show = httpHandler(async (event, context) => {
  queryParameters(event, []);
  authorize(context.caller, "image:manage");
  const image = await findImage(pathParameter(event, "id"), context.stores.images);
  return json(200, imageView(image, baseUrlOf(event)));
});

/** DELETE /v1/images/{id} (admin): its host removes it, unless a container still uses it. */
export const remove = httpHandler(async (event, context) => {
  queryParameters(event, []);
  authorize(context.caller, "image:manage");
  const stores = context.stores;
  const image = await findImage(pathParameter(event, "id"), stores.images);
  await removeImage(image, context.requestId, stores, context.sqs);
  return noContent();
});

/** GET /v1/images/{image}/search[?exact=true][&host=]: any member may search, as Zun's admin_or_owner policy lets them. */
export const search = httpHandler(async (event, context) => {
  // python-zunclient sends `exact_match`; `exact` is Zun's own name.
  const query = queryParameters(event, ["exact", "exact_match", "image_driver", "host"]);
  const images = await searchImages(
    {
      term: pathParameter(event, "image"),
      exact: booleanParameter(query, "exact") || booleanParameter(query, "exact_match"),
      onlyHost: stringParameter(query, "host"),
    },
    { caller: context.caller, requestId: context.requestId },
    {
      remainingMs: context.getRemainingTimeInMillis?.() ?? FUNCTION_TIMEOUT_MS,
      waitMs: context.config.hostAnswerSeconds * 1000,
    },
    context.config,
    context.stores,
    context.sqs,
  );
  return json(200, { images });
});
