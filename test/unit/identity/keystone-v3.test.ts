import { describe, expect, it } from "vitest";
import { devTokenLogin } from "../../../shared/identity/dev-token-login.ts";
import { passwordCredentialsOf, tokenBody } from "../../../shared/identity/keystone-v3.ts";

const auth = (user: Record<string, unknown>, scope?: unknown) => ({
  auth: { identity: { methods: ["password"], password: { user } }, ...(scope === undefined ? {} : { scope }) },
});

describe("a Keystone v3 password body", () => {
  it("names the user by name or id and the project by name or id; domains are not checked", () => {
    expect(
      passwordCredentialsOf(
        auth(
          { name: "admin", domain: { name: "Default" }, password: "p" },
          { project: { name: "demo", domain: { id: "default" } } },
        ),
      ),
    ).toEqual({ username: "admin", password: "p", project: "demo" });
    expect(passwordCredentialsOf(auth({ id: "admin", password: "p" }, { project: { id: "demo" } }))).toEqual({
      username: "admin",
      password: "p",
      project: "demo",
    });
    expect(passwordCredentialsOf(auth({ name: "admin", password: "p" }))).toEqual({
      username: "admin",
      password: "p",
      project: undefined,
    });
  });

  it("is refused, naming the part, without the password method, a password, or with a domain scope", () => {
    expect(() => passwordCredentialsOf({ auth: { identity: { methods: ["token"], token: { id: "x" } } } })).toThrow(
      /methods/,
    );
    expect(() => passwordCredentialsOf(auth({ name: "admin" }))).toThrow(/password/);
    expect(() => passwordCredentialsOf(auth({ name: "admin", password: "p" }, { domain: { id: "default" } }))).toThrow(
      /project scope/,
    );
    expect(() => passwordCredentialsOf(null)).toThrow(/auth/);
  });
});

describe("the dev token login", () => {
  const tokens = new Map([["tok-a", { projectId: "demo", userId: "ann", roles: ["member"] }]]);

  it("takes a dev user's token as its password and issues that token", async () => {
    const issued = await devTokenLogin(tokens).login({ username: "ann", password: "tok-a", project: "demo" });
    expect(issued).toMatchObject({ token: "tok-a", identity: { userId: "ann", projectId: "demo" } });
    const body = tokenBody(issued!, "http://api", "us-east-1");
    expect(body.token.catalog.find((service) => service.type === "container")!.endpoints).toEqual([
      expect.objectContaining({ interface: "public", url: "http://api/v1", region: "us-east-1" }),
    ]);
  });

  it("refuses another user's token and an unknown one", async () => {
    expect(await devTokenLogin(tokens).login({ username: "bob", password: "tok-a", project: "demo" })).toBeUndefined();
    expect(await devTokenLogin(tokens).login({ username: "ann", password: "nope", project: "demo" })).toBeUndefined();
    expect(
      await devTokenLogin(tokens).login({ username: "ann", password: "__proto__", project: "demo" }),
    ).toBeUndefined();
  });
});
