import type { MiddlewareObj } from "@middy/core";
import { randomUUID } from "node:crypto";
import { BerthError } from "../../errors.ts";
import { log } from "../../log.ts";
import type { HttpContext, HttpEvent } from "../context.ts";
import { API_VERSION_HEADER, zunError, type HttpResponse } from "../responses.ts";

/**
 * Gives each request an OpenStack-style request id, renders every error in Zun's
 * format (unexpected ones as a logged 500), and stamps the common headers.
 */
export function zunErrors(): MiddlewareObj<HttpEvent, HttpResponse, Error, HttpContext> {
  return {
    before: (request) => {
      request.context.requestId = `req-${randomUUID()}`;
    },
    after: (request) => {
      if (request.response) stampHeaders(request.response, request.context.requestId);
    },
    onError: (request) => {
      const requestId = request.context.requestId ?? `req-${randomUUID()}`;
      const error = request.error;
      let known: BerthError;
      if (error instanceof BerthError) {
        known = error;
      } else {
        log("error", "unhandled error", { request_id: requestId, route: request.event.routeKey, error });
        known = new BerthError("internal_error", 500, `Internal error; quote request id ${requestId} when reporting it.`);
      }
      request.response = stampHeaders(zunError(known, requestId), requestId);
    },
  };
}

function stampHeaders(response: HttpResponse, requestId: string): HttpResponse {
  response.headers ??= {};
  response.headers["x-openstack-request-id"] = requestId;
  response.headers["openstack-api-version"] = API_VERSION_HEADER;
  return response;
}
