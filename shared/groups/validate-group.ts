import { NAME_PATTERN } from "../containers/validate-create.ts";
import { BadRequestError, InvalidFieldError } from "../errors.ts";
import { GROUP_POLICIES, type GroupRecord, isGroupPolicy } from "../model/group.ts";

export type GroupFields = Pick<GroupRecord, "name" | "policy" | "rules">;

/**
 * Nova 2.64's create body, `{"server_group": {name, policy, rules}}`, with no
 * other properties: `rules` is `{max_server_per_host: N}` (N ≥ 1) and only
 * with anti-affinity (a string of digits is taken, as Nova does). Names follow container names, so a `hints.group` can
 * name the group.
 */
export function validateGroupBody(body: unknown): GroupFields {
  const wrapper = body as { server_group?: unknown } | undefined;
  if (!wrapper || typeof wrapper !== "object" || Array.isArray(wrapper))
    throw new BadRequestError('The body must be {"server_group": {name, policy, rules}}.');
  for (const key of Object.keys(wrapper))
    if (key !== "server_group") throw new InvalidFieldError(key, "additional properties are not allowed");
  const input = wrapper.server_group;
  if (typeof input !== "object" || input === null || Array.isArray(input))
    throw new InvalidFieldError("server_group", "must be an object");
  const fields = input as Record<string, unknown>;
  for (const key of Object.keys(fields))
    if (!["name", "policy", "rules"].includes(key))
      throw new InvalidFieldError(`server_group.${key}`, "additional properties are not allowed");
  const { name, policy, rules } = fields;
  if (typeof name !== "string" || name.length > 255 || !NAME_PATTERN.test(name))
    throw new InvalidFieldError("server_group.name", `must be 2–255 characters matching ${NAME_PATTERN.source}`);
  if (!isGroupPolicy(policy))
    throw new InvalidFieldError("server_group.policy", `must be one of ${GROUP_POLICIES.join(", ")}`);
  return { name, policy, rules: validateRules(rules, policy) };
}

function validateRules(rules: unknown, policy: string): GroupFields["rules"] {
  if (rules === undefined) return {};
  if (typeof rules !== "object" || rules === null || Array.isArray(rules))
    throw new InvalidFieldError("server_group.rules", "must be an object");
  const entries = Object.entries(rules);
  if (entries.length === 0) return {};
  if (policy !== "anti-affinity")
    throw new InvalidFieldError("server_group.rules", `only the anti-affinity policy takes rules, not ${policy}`);
  for (const [key] of entries)
    if (key !== "max_server_per_host")
      throw new InvalidFieldError(`server_group.rules.${key}`, "additional properties are not allowed");
  const given = (rules as Record<string, unknown>).max_server_per_host;
  // Nova takes the count as a number or as a string of digits (what its CLI sends).
  const max = typeof given === "string" && /^[0-9]{1,4}$/.test(given) ? Number(given) : given;
  if (typeof max !== "number" || !Number.isInteger(max) || max < 1 || max > 1000)
    throw new InvalidFieldError("server_group.rules.max_server_per_host", "must be an integer from 1 to 1000");
  return { max_server_per_host: max };
}
