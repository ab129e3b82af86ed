import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";

/**
 * Seals secrets (registry passwords) with AES-256-GCM under the deployment's
 * key (BERTH_SECRET_KEY, 32 bytes base64), so the table never holds them in
 * the clear. A sealed value is "v1:" + base64(iv | tag | ciphertext).
 */
export function seal(plaintext: string, key: Buffer): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  const ciphertext = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return `v1:${Buffer.concat([iv, cipher.getAuthTag(), ciphertext]).toString("base64")}`;
}

export function open(sealed: string, key: Buffer): string {
  if (!sealed.startsWith("v1:")) throw new Error("not a sealed value");
  const raw = Buffer.from(sealed.slice(3), "base64");
  const decipher = createDecipheriv("aes-256-gcm", key, raw.subarray(0, 12));
  decipher.setAuthTag(raw.subarray(12, 28));
  return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString("utf8");
}

/** The key from its base64 form; a missing or malformed key is a configuration error that says what to set. */
export function secretKeyFrom(base64: string | undefined): Buffer {
  const key = base64 ? Buffer.from(base64, "base64") : Buffer.alloc(0);
  if (key.length !== 32) throw new Error("configuration: BERTH_SECRET_KEY must be 32 random bytes in base64 (e.g. `openssl rand -base64 32`) to store registry passwords");
  return key;
}
