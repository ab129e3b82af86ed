import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

/** A session token is `<session id>.<secret>`; only the secret's hash is stored. */
export function mintSecret(): { secret: string; hash: string } {
  const secret = randomBytes(32).toString("base64url");
  return { secret, hash: hashOf(secret) };
}

export function hashOf(secret: string): string {
  return createHash("sha256").update(secret).digest("base64url");
}

export function splitToken(token: string | undefined): { sessionId: string; secret: string } | undefined {
  const match = /^([0-9a-f-]{36})\.([A-Za-z0-9_-]{43})$/.exec(token ?? "");
  return match ? { sessionId: match[1]!, secret: match[2]! } : undefined;
}

export function sameHash(a: string, b: string): boolean {
  return a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));
}
