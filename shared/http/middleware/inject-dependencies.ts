import type { MiddlewareObj } from "@middy/core";
import { dependencies } from "../../dependencies.ts";
import type { HttpContext, HttpEvent } from "../context.ts";
import type { HttpResponse } from "../responses.ts";

/** Puts the function's configuration, stores and queue client on the context, built once (see dependencies()). */
export function injectDependencies(): MiddlewareObj<HttpEvent, HttpResponse, Error, HttpContext> {
  return {
    before: (request) => {
      Object.assign(request.context, dependencies());
    },
  };
}
