import type { Identity } from "../auth/identity.ts";

/** What a Keystone v3 password login names: a user, their password, and the project to act in. */
export interface PasswordCredentials {
  username: string;
  password: string;
  /** The project's name or id, whichever the client sent (Berth's projects have one name, their id). */
  project: string | undefined;
}

/** A token Berth's own authentication accepts, and whom it stands for. */
export interface IssuedToken {
  token: string;
  identity: Identity;
  expiresAt: Date;
}

/**
 * Turns a username and password into a token of the configured identity
 * provider; undefined when they are wrong, so every failure reads the same.
 */
export interface PasswordLogin {
  login(credentials: PasswordCredentials): Promise<IssuedToken | undefined>;
}
