import type { MiddlewareObj } from "@middy/core";
import { readConfig } from "../../config.ts";
import { UnauthorizedError } from "../../errors.ts";
import type { HttpContext, HttpEvent } from "../context.ts";
import type { HttpResponse } from "../responses.ts";

/**
 * Reads the configuration for this invocation and resolves the caller's token
 * (`X-Auth-Token`, as python-zunclient sends it, or `Authorization: Bearer`)
 * to an identity.
 */
export function authenticate(): MiddlewareObj<HttpEvent, HttpResponse, Error, HttpContext> {
  return {
    before: (request) => {
      const config = readConfig();
      request.context.config = config;
      const token = tokenOf(request.event.headers ?? {});
      if (!token) throw new UnauthorizedError();
      const identity = config.devTokens[token];
      if (!identity) throw new UnauthorizedError("The token is not valid.");
      request.context.caller = identity;
    },
  };
}

function tokenOf(headers: Record<string, string | undefined>): string | undefined {
  const direct = header(headers, "x-auth-token");
  if (direct) return direct.trim();
  const authorization = header(headers, "authorization");
  const match = authorization?.match(/^Bearer\s+(.+)$/i);
  return match?.[1]?.trim();
}

function header(headers: Record<string, string | undefined>, name: string): string | undefined {
  for (const [key, value] of Object.entries(headers)) if (key.toLowerCase() === name) return value;
  return undefined;
}
