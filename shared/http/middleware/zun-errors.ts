import { randomUUID } from "node:crypto";
import type { MiddlewareObj } from "@middy/core";
import { BerthError, TooManyRequestsError } from "../../errors.ts";
import { log } from "../../log.ts";
import type { HttpContext, HttpEvent } from "../context.ts";
import { formatVersion, MAX_API_VERSION, MIN_API_VERSION, negotiateVersion } from "../microversion.ts";
import { headerOf } from "../request.ts";
import { type HttpResponse, zunError } from "../responses.ts";

/**
 * Gives each request an OpenStack-style request id and its negotiated
 * microversion, renders every error in Zun's format (unexpected ones as a
 * logged 500), stamps the common headers and logs the request. Version
 * discovery (`negotiate: false`) answers whatever microversion a client sends,
 * as Zun's root controller does: clients discover with the oldest one they know.
 */
export function zunErrors(
  options: { negotiate?: boolean } = {},
): MiddlewareObj<HttpEvent, HttpResponse, Error, HttpContext> {
  const negotiate = options.negotiate ?? true;
  return {
    before: (request) => {
      request.context.requestId = `req-${randomUUID()}`;
      if (negotiate) request.context.apiVersion = negotiateVersion(headerOf(request.event, "openstack-api-version"));
    },
    after: (request) => {
      if (request.response) stampHeaders(request.response, request.context);
      logRequest(request.event, request.context, request.response?.statusCode ?? 500);
    },
    onError: (request) => {
      const requestId = request.context.requestId ?? `req-${randomUUID()}`;
      const error = request.error;
      let known: BerthError;
      if (error instanceof BerthError) {
        known = error;
      } else {
        log("error", "unhandled error", { request_id: requestId, route: request.event.routeKey, error });
        known = new BerthError(
          "internal_error",
          500,
          `Internal error; quote request id ${requestId} when reporting it.`,
        );
      }
      request.response = stampHeaders(zunError(known, requestId), request.context);
      if (known instanceof TooManyRequestsError)
        request.response.headers["retry-after"] = String(known.retryAfterSeconds);
      logRequest(request.event, request.context, known.status);
    },
  };
}

function stampHeaders(response: HttpResponse, context: HttpContext): HttpResponse {
  response.headers ??= {};
  response.headers["x-openstack-request-id"] = context.requestId;
  response.headers["openstack-api-version"] = `container ${formatVersion(context.apiVersion ?? MAX_API_VERSION)}`;
  response.headers["openstack-api-minimum-version"] = `container ${formatVersion(MIN_API_VERSION)}`;
  response.headers["openstack-api-maximum-version"] = `container ${formatVersion(MAX_API_VERSION)}`;
  response.headers.vary = "OpenStack-API-Version";
  return response;
}

/** One access-log line per request, carrying the request id clients see. */
function logRequest(event: HttpEvent, context: HttpContext, status: number): void {
  log(status >= 500 ? "error" : "info", "request", {
    request_id: context.requestId,
    method: event.requestContext?.http?.method,
    path: event.rawPath,
    status,
    project_id: context.caller?.projectId,
  });
}
