import type { Identity } from "../auth/identity.ts";
import type { PasswordLogin } from "./password-login.ts";

/** How long a dev token is said to last: it never expires, but Keystone's token body needs an end. */
const DEV_TOKEN_HOURS = 12;

/**
 * The local stack's users are its dev tokens: the username is a token's
 * userId, the password the token itself, and the token issued is that same
 * token, so what a CLI gets is exactly what curl users send.
 */
export function devTokenLogin(devTokens: ReadonlyMap<string, Identity>): PasswordLogin {
  return {
    async login({ username, password }) {
      const identity = devTokens.get(password);
      if (!identity || identity.userId !== username) return undefined;
      return { token: password, identity, expiresAt: new Date(Date.now() + DEV_TOKEN_HOURS * 3600_000) };
    },
  };
}
