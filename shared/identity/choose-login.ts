import type { BerthConfig } from "../config.ts";
import { NotImplementedError } from "../errors.ts";
import { cognitoLogin, isCognitoIssuer } from "./cognito-login.ts";
import { devTokenLogin } from "./dev-token-login.ts";
import type { PasswordLogin } from "./password-login.ts";

/** The password login of the configured identity provider: dev tokens locally, a Cognito user pool on AWS. */
export function passwordLoginFor(config: BerthConfig): PasswordLogin {
  if (config.devTokens.size > 0) return devTokenLogin(config.devTokens);
  if (config.jwt && isCognitoIssuer(config.jwt.issuer)) return cognitoLogin(config.jwt);
  throw new NotImplementedError(
    "Password login needs dev tokens (the local stack) or a Cognito user pool as the JWT issuer; get a token from your identity provider and send it in X-Auth-Token.",
  );
}
