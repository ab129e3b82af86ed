import type { MiddlewareObj } from "@middy/core";
import { allows } from "../../auth/policy.ts";
import { TooManyRequestsError } from "../../errors.ts";
import type { HttpContext, HttpEvent } from "../context.ts";
import type { HttpResponse } from "../responses.ts";
import { requestKindOf } from "../throttle-settings.ts";

/** How long a window's counter outlives the window: TTL deletes are lazy, and nothing reads an old window anyway. */
const COUNTER_KEPT_SECONDS = 60;

/**
 * Counts each authenticated request against its project's limit for its kind
 * (reads, writes) in the current fixed window, and refuses it with a 429 and
 * Retry-After (seconds until the window ends) past the limit. The cloud admin
 * is exempt: operators must be able to act on a cloud whose tenants are busy,
 * and the API stage's own throttling still bounds them.
 */
export function throttleProjects(): MiddlewareObj<HttpEvent, HttpResponse, Error, HttpContext> {
  return {
    before: async (request) => {
      const { config, stores, caller } = request.context;
      if (allows(caller, "berth:unthrottled")) return;
      const kind = requestKindOf(request.event.requestContext?.http?.method);
      const windowMs = config.throttle.windowSeconds * 1000;
      const now = Date.now();
      const startsAt = Math.floor(now / windowMs) * windowMs;
      const endsAt = startsAt + windowMs;
      const limit = kind === "read" ? config.throttle.reads : config.throttle.writes;
      const counted = await stores.requestCounters.countWithin({
        projectId: caller.projectId,
        kind,
        startsAt,
        expiresAt: Math.ceil(endsAt / 1000) + COUNTER_KEPT_SECONDS,
        limit,
      });
      if (!counted) {
        const retryAfterSeconds = Math.max(1, Math.ceil((endsAt - now) / 1000));
        throw new TooManyRequestsError(
          `Project ${caller.projectId} has made its ${limit} ${kind}s allowed in ${config.throttle.windowSeconds} s; retry after ${retryAfterSeconds} s.`,
          retryAfterSeconds,
        );
      }
    },
  };
}
