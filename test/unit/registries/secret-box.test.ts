import { createCipheriv, randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { open, type SecretSettings, seal } from "../../../shared/registries/secret-box.ts";

const keyA = randomBytes(32).toString("base64");
const keyB = randomBytes(32).toString("base64");
const current: SecretSettings = { secretKey: keyA, secretKeyId: "k1", previousSecretKeys: undefined };

describe("sealed registry passwords", () => {
  it("open only for the record they were sealed for", () => {
    const sealed = seal("hunter2", current, "registry-password/alpha/r-1");
    expect(sealed).toMatch(/^v2:k1:/);
    expect(open(sealed, current, "registry-password/alpha/r-1")).toBe("hunter2");
    expect(() => open(sealed, current, "registry-password/beta/r-1")).toThrow(/sealed for another record/);
    expect(() => open(sealed, current, "registry-password/alpha/r-2")).toThrow(/sealed for another record/);
  });

  it("still open after the key is rotated, with the old key kept as previous", () => {
    const sealed = seal("hunter2", current, "ctx");
    const rotated: SecretSettings = { secretKey: keyB, secretKeyId: "k2", previousSecretKeys: `k1:${keyA}` };
    expect(open(sealed, rotated, "ctx")).toBe("hunter2");
    expect(seal("new", rotated, "ctx")).toMatch(/^v2:k2:/);
    expect(() => open(sealed, { secretKey: keyB, secretKeyId: "k2", previousSecretKeys: undefined }, "ctx")).toThrow(
      /BERTH_PREVIOUS_SECRET_KEYS/,
    );
  });

  it("reads the values sealed before keys had ids", () => {
    const iv = randomBytes(12);
    const cipher = createCipheriv("aes-256-gcm", Buffer.from(keyA, "base64"), iv);
    const ciphertext = Buffer.concat([cipher.update("legacy", "utf8"), cipher.final()]);
    const v1 = `v1:${Buffer.concat([iv, cipher.getAuthTag(), ciphertext]).toString("base64")}`;
    expect(open(v1, current, "any")).toBe("legacy");
  });

  it("refuses a key that is not 32 bytes, naming the setting", () => {
    expect(() => seal("x", { ...current, secretKey: "c2hvcnQ=" }, "ctx")).toThrow(
      /BERTH_SECRET_KEY must be 32 random bytes/,
    );
    expect(() => seal("x", { ...current, previousSecretKeys: "nokey" }, "ctx")).toThrow(/BERTH_PREVIOUS_SECRET_KEYS/);
  });
});
