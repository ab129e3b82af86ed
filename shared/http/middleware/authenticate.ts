import type { MiddlewareObj } from "@middy/core";
import { isIdentity } from "../../auth/identity.ts";
import { verifyJwt } from "../../auth/verify-jwt.ts";
import { UnauthorizedError } from "../../errors.ts";
import type { HttpContext, HttpEvent } from "../context.ts";
import { headerOf } from "../request.ts";
import type { HttpResponse } from "../responses.ts";

const JWT_SHAPE = /^[\w-]+\.[\w-]+\.[\w-]+$/;

/**
 * Resolves the caller's token
 * (`X-Auth-Token`, as python-zunclient sends it, or `Authorization: Bearer`)
 * to an identity: a JWT verified against the configured issuer, or (in the
 * local stack only) a dev token. Whatever it resolves to must have an
 * identity's shape, or the caller is not authenticated.
 */
export function authenticate(): MiddlewareObj<HttpEvent, HttpResponse, Error, HttpContext> {
  return {
    before: async (request) => {
      const { config } = request.context;
      const token = tokenOf(request.event);
      if (!token) throw new UnauthorizedError();
      const identity =
        config.jwt && JWT_SHAPE.test(token) ? await verifyJwt(token, config.jwt) : config.devTokens.get(token);
      if (!isIdentity(identity)) throw new UnauthorizedError("The token is not valid.");
      request.context.caller = identity;
    },
  };
}

function tokenOf(event: HttpEvent): string | undefined {
  const direct = headerOf(event, "x-auth-token");
  if (direct) return direct.trim();
  const authorization = headerOf(event, "authorization");
  const match = authorization?.match(/^Bearer\s+(.+)$/i);
  return match?.[1]?.trim();
}
