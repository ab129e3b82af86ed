import middy from "@middy/core";
import type { HttpContext, HttpEvent } from "../../shared/http/context.ts";
import { zunErrors } from "../../shared/http/middleware/zun-errors.ts";
import type { HttpResponse } from "../../shared/http/responses.ts";
import { NotFoundError } from "../../shared/errors.ts";

/** The catch-all route: anything no other route matched is a 404 in Zun's format. */
export const handler = middy<HttpEvent, HttpResponse, Error, HttpContext>(async (event: HttpEvent) => {
  throw new NotFoundError(`No route for ${event.requestContext.http.method} ${event.rawPath}.`);
}).use(zunErrors());
