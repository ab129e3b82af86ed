import middy from "@middy/core";
import type { HttpContext, HttpEvent } from "./context.ts";
import { authenticate } from "./middleware/authenticate.ts";
import { injectDependencies } from "./middleware/inject-dependencies.ts";
import { jsonBody } from "./middleware/json-body.ts";
import { throttleProjects } from "./middleware/throttle-projects.ts";
import { zunErrors } from "./middleware/zun-errors.ts";
import type { HttpResponse } from "./responses.ts";

export type HttpLambda = (event: HttpEvent, context: HttpContext) => Promise<HttpResponse>;

/** Wraps an HTTP function in the middleware every Berth route shares. */
export function httpHandler(lambda: HttpLambda) {
  return middy<HttpEvent, HttpResponse, Error, HttpContext>(lambda)
    .use(zunErrors())
    .use(injectDependencies())
    .use(authenticate())
    .use(throttleProjects())
    .use(jsonBody());
}
