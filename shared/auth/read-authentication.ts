import { asksForDevTokens, DEV_TOKENS_SWITCH, readDevTokens } from "./dev-tokens.ts";
import type { Identity } from "./identity.ts";
import { type JwtSettings, readJwtSettings } from "./verify-jwt.ts";

/** How callers are authenticated: JWTs from an issuer, and (locally only) dev tokens. */
export interface AuthenticationSettings {
  devTokens: ReadonlyMap<string, Identity>;
  /** Bearer JWTs from this issuer are verified when set (e.g. Amazon Cognito). */
  jwt: JwtSettings | undefined;
}

/**
 * Reads the authentication settings. In Lambda (a deployed stage) dev tokens
 * are refused outright and an identity provider is required, so a stage never
 * runs open to the README's tokens or to no one in particular.
 */
export function readAuthentication(env: NodeJS.ProcessEnv): AuthenticationSettings {
  const jwt = readJwtSettings(env);
  if (runsInLambda(env)) {
    if (asksForDevTokens(env)) {
      throw new Error(
        `configuration: dev tokens are for the local stack only; a deployed stage refuses ${DEV_TOKENS_SWITCH} and BERTH_DEV_TOKENS`,
      );
    }
    if (!jwt) {
      throw new Error(
        "configuration: a deployed stage needs an identity provider: set BERTH_JWT_ISSUER and BERTH_JWT_AUDIENCE (or package with BERTH_IDENTITY_PROVIDER=cognito)",
      );
    }
  }
  return { devTokens: readDevTokens(env, jwt !== undefined), jwt };
}

/** Lambda sets AWS_LAMBDA_FUNCTION_NAME in every function's environment; the local stack does not. */
function runsInLambda(env: NodeJS.ProcessEnv): boolean {
  return Boolean(env.AWS_LAMBDA_FUNCTION_NAME);
}
