import type { MiddlewareObj } from "@middy/core";
import { BadRequestError } from "../../errors.ts";
import type { HttpContext, HttpEvent } from "../context.ts";
import type { HttpResponse } from "../responses.ts";

/** Parses a JSON request body; `null` is no body, and one that is not a JSON object is a 400. */
export function jsonBody(): MiddlewareObj<HttpEvent, HttpResponse, Error, HttpContext> {
  return {
    before: (request) => {
      const { body, isBase64Encoded } = request.event;
      if (body === undefined || body === null || body === "") {
        request.context.body = undefined;
        return;
      }
      const text = isBase64Encoded ? Buffer.from(body, "base64").toString("utf8") : body;
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        throw new BadRequestError("The request body is not valid JSON.");
      }
      // python-zunclient sends the JSON `null` when it has no body (image search's GET).
      if (parsed === null) {
        request.context.body = undefined;
        return;
      }
      if (typeof parsed !== "object" || Array.isArray(parsed)) {
        throw new BadRequestError("The request body must be a JSON object.");
      }
      request.context.body = parsed;
    },
  };
}
