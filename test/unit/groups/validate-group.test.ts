import { describe, expect, it } from "vitest";
import type { InvalidFieldError } from "../../../shared/errors.ts";
import { validateGroupBody } from "../../../shared/groups/validate-group.ts";

describe("validateGroupBody (Nova 2.64)", () => {
  it("takes a name and a policy, and max_server_per_host with anti-affinity (a number or digits)", () => {
    expect(validateGroupBody({ server_group: { name: "web", policy: "soft-affinity" } })).toEqual({
      name: "web",
      policy: "soft-affinity",
      rules: {},
    });
    for (const max of [3, "3"])
      expect(
        validateGroupBody({
          server_group: { name: "web", policy: "anti-affinity", rules: { max_server_per_host: max } },
        }).rules,
      ).toEqual({ max_server_per_host: 3 });
    expect(validateGroupBody({ server_group: { name: "web", policy: "affinity", rules: {} } }).rules).toEqual({});
  });

  it.each([
    [undefined, undefined],
    [{ server_group: null }, "server_group"],
    [{ server_group: [] }, "server_group"],
    [{ server_group: { name: "x", policy: "affinity" } }, "server_group.name"],
    [{ server_group: { name: "x".repeat(256), policy: "affinity" } }, "server_group.name"],
    [{ server_group: { name: 12, policy: "affinity" } }, "server_group.name"],
    [{ server_group: { name: "web", policy: "Affinity" } }, "server_group.policy"],
    [{ server_group: { name: "web", policies: ["affinity"] } }, "server_group.policies"],
    [
      { server_group: { name: "web", policy: "soft-anti-affinity", rules: { max_server_per_host: 2 } } },
      "server_group.rules",
    ],
    [{ server_group: { name: "web", policy: "anti-affinity", rules: [] } }, "server_group.rules"],
    [
      { server_group: { name: "web", policy: "anti-affinity", rules: { max_server_per_host: 1.5 } } },
      "server_group.rules.max_server_per_host",
    ],
    [
      { server_group: { name: "web", policy: "anti-affinity", rules: { max_server_per_host: "-1" } } },
      "server_group.rules.max_server_per_host",
    ],
    [
      { server_group: { name: "web", policy: "anti-affinity", rules: { max_server_per_host: 0 } } },
      "server_group.rules.max_server_per_host",
    ],
    [{ server_group: {}, extra: 1 }, "extra"],
  ])("refuses %j, naming %s", (body, field) => {
    let caught: unknown;
    try {
      validateGroupBody(body);
    } catch (error) {
      caught = error;
    }
    expect((caught as Error)?.constructor.name).toMatch(/InvalidFieldError|BadRequestError/);
    if (field) expect((caught as InvalidFieldError).field).toBe(field);
  });
});
