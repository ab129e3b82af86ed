import type { JwtSettings } from "../auth/verify-jwt.ts";
import { verifyJwt } from "../auth/verify-jwt.ts";
import type { PasswordLogin } from "./password-login.ts";

const COGNITO_ISSUER = /^https:\/\/cognito-idp\.([a-z0-9-]+)\.amazonaws\.com\/[\w-]+$/;

/** Whether the JWT issuer is a Cognito user pool, whose password flow this login drives. */
export function isCognitoIssuer(issuer: string): boolean {
  return COGNITO_ISSUER.test(issuer);
}

/**
 * Cognito's USER_PASSWORD_AUTH through InitiateAuth (an unsigned call of
 * Cognito's JSON protocol, so no SDK client is needed), for the app client
 * Berth trusts; the token issued is the ID token, the one that carries the
 * project, verified as every request's JWT is. The app client must allow
 * ALLOW_USER_PASSWORD_AUTH and have no secret.
 */
export function cognitoLogin(jwt: JwtSettings, fetchFn: typeof fetch = fetch): PasswordLogin {
  const region = COGNITO_ISSUER.exec(jwt.issuer)?.[1];
  if (!region) throw new Error(`configuration: ${jwt.issuer} is not a Cognito user pool's issuer`);
  return {
    async login({ username, password }) {
      const response = await fetchFn(`https://cognito-idp.${region}.amazonaws.com/`, {
        method: "POST",
        headers: {
          "content-type": "application/x-amz-json-1.1",
          "x-amz-target": "AWSCognitoIdentityProviderService.InitiateAuth",
        },
        body: JSON.stringify({
          AuthFlow: "USER_PASSWORD_AUTH",
          ClientId: jwt.audience,
          AuthParameters: { USERNAME: username, PASSWORD: password },
        }),
      });
      if (response.status === 400) return undefined; // NotAuthorizedException, UserNotFoundException, …: wrong credentials
      if (!response.ok) throw new Error(`Cognito InitiateAuth answered ${response.status}`);
      const answer = (await response.json()) as { AuthenticationResult?: { IdToken?: string; ExpiresIn?: number } };
      const idToken = answer.AuthenticationResult?.IdToken;
      if (!idToken) return undefined; // a challenge (a new password, MFA) the Keystone flow cannot answer
      const identity = await verifyJwt(idToken, jwt);
      return {
        token: idToken,
        identity,
        expiresAt: new Date(Date.now() + (answer.AuthenticationResult?.ExpiresIn ?? 3600) * 1000),
      };
    },
  };
}
