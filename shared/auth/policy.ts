import { ForbiddenError } from "../errors.ts";
import type { Identity } from "./identity.ts";

/**
 * The roles Berth knows, matched exactly. The cloud admin runs the cloud; a
 * project admin and a member act only in their own project.
 */
export const ROLES = { cloudAdmin: "admin", projectAdmin: "project_admin", member: "member" } as const;

/** Who besides the cloud admin a rule lets through: nobody, or a project admin (in their own project). */
export type Grant = "cloud_admin" | "project_admin";

/**
 * Every rule that asks more than being in the thing's project, named as
 * Zun's policies. Everything else is Zun's `admin_or_owner`, which every route
 * applies by scoping what it finds to the caller's project (the cloud admin
 * reaching further only with `all_projects`). Zun's `admin_api` and
 * `deny_everybody` rules are the cloud admin's; `project_admin` rules are
 * ones that act only on the caller's own project's things and reach nothing
 * of the host or of other projects.
 */
export const POLICY = {
  "container:get_all_all_projects": {
    grant: "cloud_admin",
    what: "list all projects' containers (parameter all_projects)",
  },
  "container:get_one_all_projects": { grant: "cloud_admin", what: "use all_projects" },
  "capsule:get_all_all_projects": {
    grant: "cloud_admin",
    what: "list all projects' capsules (parameter all_projects)",
  },
  "capsule:get_one_all_projects": { grant: "cloud_admin", what: "use all_projects" },
  "capsule:delete_all_projects": {
    grant: "cloud_admin",
    what: "delete another project's capsule (parameter all_projects)",
  },
  "container:create:privileged": { grant: "cloud_admin", what: "create a privileged container (field privileged)" },
  "container:create:requested_destination": { grant: "cloud_admin", what: "choose the host (field host)" },
  "container:create:forced_host": {
    grant: "cloud_admin",
    what: "force a host (field availability_zone, zone:host[:node])",
  },
  "container:create:runtime": { grant: "cloud_admin", what: "choose the runtime (field runtime)" },
  "container:delete_force": { grant: "project_admin", what: "force a delete (parameter force)" },
  "host:get": { grant: "cloud_admin", what: "see hosts and services" },
  "zun_service:manage": { grant: "cloud_admin", what: "see hosts and services" },
  "image:manage": { grant: "cloud_admin", what: "list, show and delete images" },
  "image:search_all_projects": { grant: "cloud_admin", what: "find other projects' committed images" },
  "quota:get_other_project": { grant: "cloud_admin", what: "read another project's quotas" },
  "quota:update": { grant: "cloud_admin", what: "change quotas" },
  "quota_class:update": { grant: "cloud_admin", what: "change the default quotas" },
  "berth:unthrottled": { grant: "cloud_admin", what: "go past a project's request limits" },
  "berth:event_details": {
    grant: "cloud_admin",
    what: "read the details of an action's events (how a container was placed: hosts, filters, scores)",
  },
} as const satisfies Record<string, { grant: Grant; what: string }>;

export type PolicyRule = keyof typeof POLICY;

export function isCloudAdmin(caller: Identity): boolean {
  return caller.roles.includes(ROLES.cloudAdmin);
}

/** Whether `caller` may do what `rule` guards (in their own project, for a project admin's rules). */
export function allows(caller: Identity, rule: PolicyRule): boolean {
  if (isCloudAdmin(caller)) return true;
  return POLICY[rule].grant === "project_admin" && caller.roles.includes(ROLES.projectAdmin);
}

/** Refuses with a 403 that names what only whom may do, unless `caller` may. */
export function authorize(caller: Identity, rule: PolicyRule): void {
  if (allows(caller, rule)) return;
  const { grant, what } = POLICY[rule];
  const who = grant === "cloud_admin" ? "an admin" : "a project admin or an admin";
  throw new ForbiddenError(`Only ${who} may ${what}.`);
}
