import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";

/** What seals and opens secrets: the current key (new values) and older ones still to be read. */
export interface SecretSettings {
  /** 32 random bytes, base64 (BERTH_SECRET_KEY). */
  secretKey: string | undefined;
  /** The current key's id, written into every value it seals (BERTH_SECRET_KEY_ID). */
  secretKeyId: string;
  /** Keys that sealed older values, `id:base64,…` (BERTH_PREVIOUS_SECRET_KEYS), so a key can be rotated. */
  previousSecretKeys: string | undefined;
}

interface Keyring {
  currentId: string;
  keys: Map<string, Buffer>;
}

const KEY_ID = /^[A-Za-z0-9_-]{1,32}$/;

/**
 * Seals a secret (a registry password) with AES-256-GCM under the current key,
 * bound to what it belongs to (`context`, e.g. the registry's project and id,
 * as associated data): a sealed value copied into another record does not
 * open there. A sealed value is "v2:<key id>:" + base64(iv | tag | ciphertext).
 */
export function seal(plaintext: string, settings: SecretSettings, context: string): string {
  const ring = keyringFrom(settings);
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", ring.keys.get(ring.currentId)!, iv);
  cipher.setAAD(Buffer.from(context, "utf8"));
  const ciphertext = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return `v2:${ring.currentId}:${Buffer.concat([iv, cipher.getAuthTag(), ciphertext]).toString("base64")}`;
}

/** Opens a value sealed for `context`; "v1:" values (no key id, no binding) are read with the current key. */
export function open(sealed: string, settings: SecretSettings, context: string): string {
  const ring = keyringFrom(settings);
  const v2 = /^v2:([^:]+):(.*)$/.exec(sealed);
  if (!v2 && !sealed.startsWith("v1:")) throw new Error("not a sealed value");
  const key = v2 ? ring.keys.get(v2[1]!) : ring.keys.get(ring.currentId);
  if (!key)
    throw new Error(
      `sealed with key ${v2![1]}, which this deployment no longer has (add it to BERTH_PREVIOUS_SECRET_KEYS)`,
    );
  const raw = Buffer.from(v2 ? v2[2]! : sealed.slice(3), "base64");
  const decipher = createDecipheriv("aes-256-gcm", key, raw.subarray(0, 12));
  if (v2) decipher.setAAD(Buffer.from(context, "utf8"));
  decipher.setAuthTag(raw.subarray(12, 28));
  try {
    return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString("utf8");
  } catch {
    throw new Error("the sealed value does not open here: it was sealed for another record or altered");
  }
}

/** The sealing context of a registry's password: its project and its id. */
export function registryPasswordContext(registry: { project_id: string; uuid: string }): string {
  return `registry-password/${registry.project_id}/${registry.uuid}`;
}

function keyringFrom(settings: SecretSettings): Keyring {
  if (!KEY_ID.test(settings.secretKeyId))
    throw new Error("configuration: BERTH_SECRET_KEY_ID must be 1–32 letters, digits, _ or -");
  const keys = new Map<string, Buffer>([[settings.secretKeyId, keyFrom(settings.secretKey, "BERTH_SECRET_KEY")]]);
  for (const entry of (settings.previousSecretKeys ?? "")
    .split(",")
    .map((item) => item.trim())
    .filter(Boolean)) {
    const separator = entry.indexOf(":");
    const id = entry.slice(0, separator);
    if (separator < 1 || !KEY_ID.test(id))
      throw new Error("configuration: BERTH_PREVIOUS_SECRET_KEYS entries are id:base64-key");
    if (!keys.has(id)) keys.set(id, keyFrom(entry.slice(separator + 1), `BERTH_PREVIOUS_SECRET_KEYS ${id}`));
  }
  return { currentId: settings.secretKeyId, keys };
}

/** A key from its base64 form; a missing or malformed key is a configuration error that says what to set. */
function keyFrom(base64: string | undefined, name: string): Buffer {
  const key = base64 ? Buffer.from(base64, "base64") : Buffer.alloc(0);
  if (key.length !== 32)
    throw new Error(
      `configuration: ${name} must be 32 random bytes in base64 (e.g. \`openssl rand -base64 32\`) to store registry passwords`,
    );
  return key;
}
