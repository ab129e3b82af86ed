import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { InvalidFieldError } from "../../../shared/errors.ts";
import { changedRegistry, newRegistry } from "../../../shared/registries/registry-changes.ts";
import { open, registryPasswordContext, type SecretSettings } from "../../../shared/registries/secret-box.ts";
import { validateRegistry } from "../../../shared/registries/validate-registry.ts";

const sealing: SecretSettings = {
  secretKey: randomBytes(32).toString("base64"),
  secretKeyId: "k1",
  previousSecretKeys: undefined,
};
const caller = { projectId: "alpha", userId: "alice", roles: ["member"] };
const fields = { name: "mine", domain: "registry.example:5000", username: "alice", password: "hunter2" };

describe("a registry's fields", () => {
  it("are all required on a create, and nothing else is taken", () => {
    expect(validateRegistry({ registry: fields }, { partial: false })).toEqual(fields);
    expect(() => validateRegistry({ registry: { ...fields, password: undefined } }, { partial: false })).toThrow(
      expect.objectContaining({ field: "registry.password" }),
    );
    expect(() => validateRegistry({ registry: { ...fields, token: "x" } }, { partial: false })).toThrow(
      expect.objectContaining({ field: "registry.token" }),
    );
    expect(() => validateRegistry({ registry: { ...fields, domain: "not a host" } }, { partial: false })).toThrow(
      expect.objectContaining({ field: "registry.domain" }),
    );
  });

  it("need at least one on an update", () => {
    expect(() => validateRegistry({ registry: {} }, { partial: true })).toThrow(/Nothing to update/);
    expect(validateRegistry({ registry: { username: "bob" } }, { partial: true })).toEqual({ username: "bob" });
  });
});

describe("a registry's changes", () => {
  it("seal a new registry's password to that very registry", () => {
    const registry = newRegistry(fields, caller, sealing);
    expect(registry).toMatchObject({ project_id: "alpha", user_id: "alice", name: "mine" });
    expect(JSON.stringify(registry)).not.toContain("hunter2");
    expect(open(registry.password_sealed, sealing, registryPasswordContext(registry))).toBe("hunter2");
  });

  it("refuse to move the credentials to another domain without a password, and seal a new one", async () => {
    const registry = newRegistry(fields, caller, sealing);
    const neverAsked = async () => {
      throw new Error("the sealing key is read only for a new password");
    };
    await expect(changedRegistry(registry, { domain: "elsewhere.example" }, neverAsked)).rejects.toBeInstanceOf(
      InvalidFieldError,
    );
    expect((await changedRegistry(registry, { username: "bob" }, neverAsked)).password_sealed).toBe(
      registry.password_sealed,
    );
    const moved = await changedRegistry(
      registry,
      { domain: "elsewhere.example", password: "s3cret" },
      async () => sealing,
    );
    expect(moved.domain).toBe("elsewhere.example");
    expect(open(moved.password_sealed, sealing, registryPasswordContext(registry))).toBe("s3cret");
  });
});
