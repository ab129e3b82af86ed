import middy from "@middy/core";
import { MethodNotAllowedError, NotFoundError } from "../../shared/errors.ts";
import type { HttpContext, HttpEvent } from "../../shared/http/context.ts";
import { zunErrors } from "../../shared/http/middleware/zun-errors.ts";
import { baseUrlOf } from "../../shared/http/request.ts";
import type { HttpResponse } from "../../shared/http/responses.ts";
import { methodsFor } from "../../shared/http/route-table.ts";

/**
 * The catch-all route. A path with a trailing slash (python-zunclient asks for
 * `/v1/containers/?limit=…`) is redirected to the route without it; a known
 * path asked with the wrong method is a 405; anything else is a 404, all in
 * Zun's format.
 */
export const handler = middy<HttpEvent, HttpResponse, Error, HttpContext>(async (event: HttpEvent) => {
  const method = event.requestContext.http.method;
  const path = event.rawPath;
  if (path.length > 1 && path.endsWith("/")) {
    const target = path.replace(/\/+$/, "");
    if (methodsFor(target).includes(method)) {
      const query = event.rawQueryString ? `?${event.rawQueryString}` : "";
      return {
        statusCode: method === "GET" ? 301 : 308,
        headers: { location: `${baseUrlOf(event)}${target}${query}` },
        body: "",
      };
    }
  }
  const allowed = methodsFor(path);
  if (allowed.length > 0)
    throw new MethodNotAllowedError(`${method} is not allowed on ${path}; allowed: ${allowed.join(", ")}.`);
  throw new NotFoundError(`No route for ${method} ${path}.`);
}).use(zunErrors());
