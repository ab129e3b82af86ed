import { describe, expect, it } from "vitest";
import type { Identity } from "../../../shared/auth/identity.ts";
import { allows, authorize, POLICY, type PolicyRule, ROLES } from "../../../shared/auth/policy.ts";
import { ForbiddenError } from "../../../shared/errors.ts";

const caller = (...roles: string[]): Identity => ({ projectId: "p", userId: "u", roles });
const RULES = Object.keys(POLICY) as PolicyRule[];

describe("the policy table", () => {
  it("names the three roles exactly", () => {
    expect(ROLES).toEqual({ cloudAdmin: "admin", projectAdmin: "project_admin", member: "member" });
  });

  it("gives the cloud admin every rule", () => {
    for (const rule of RULES) expect(allows(caller("admin"), rule), rule).toBe(true);
  });

  it("gives a member none of them", () => {
    for (const rule of RULES) expect(allows(caller("member"), rule), rule).toBe(false);
  });

  it("gives a project admin only the rules that stay in their own project", () => {
    const granted = RULES.filter((rule) => allows(caller("project_admin", "member"), rule));
    expect(granted).toEqual(["container:delete_force"]);
  });

  it.each([
    "container:get_all_all_projects",
    "container:get_one_all_projects",
    "capsule:get_all_all_projects",
    "capsule:get_one_all_projects",
    "capsule:delete_all_projects",
    "container:create:privileged",
    "container:create:requested_destination",
    "container:create:runtime",
    "host:get",
    "zun_service:manage",
    "image:manage",
    "image:search_all_projects",
    "quota:get_other_project",
    "quota:update",
    "quota_class:update",
    "berth:unthrottled",
    "berth:event_details",
  ] as const)("keeps %s the cloud admin's (Zun's admin_api)", (rule) => {
    expect(POLICY[rule].grant).toBe("cloud_admin");
  });

  it.each([
    ["Admin"],
    ["admin "],
    ["ADMIN"],
    ["project-admin"],
    ["Project_Admin"],
    ["project_admin_x"],
    ["cloud_admin"],
  ])("matches roles exactly: %j grants nothing", (role) => {
    for (const rule of RULES) expect(allows(caller(role), rule), rule).toBe(false);
  });

  it("refuses with a 403 that says who may", () => {
    expect(() => authorize(caller("member"), "container:delete_force")).toThrow(
      new ForbiddenError("Only a project admin or an admin may force a delete (parameter force)."),
    );
    expect(() => authorize(caller("project_admin"), "quota:update")).toThrow(
      new ForbiddenError("Only an admin may change quotas."),
    );
    expect(() => authorize(caller("project_admin"), "container:delete_force")).not.toThrow();
  });
});
