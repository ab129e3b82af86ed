import { NAME_PATTERN } from "../containers/validate-create.ts";
import { BadRequestError, InvalidFieldError } from "../errors.ts";
import type { RegistryRecord } from "../model/registry.ts";

const DOMAIN_PATTERN = /^[a-zA-Z0-9]([a-zA-Z0-9.-]*[a-zA-Z0-9])?(:\d{1,5})?$/;
const FIELDS = ["name", "domain", "username", "password"] as const;

/** What a create or update of a registry may give: the password in the clear, sealed before it is stored. */
export type RegistryFields = Pick<RegistryRecord, "name" | "domain" | "username"> & { password: string };

/** `{"registry": {name, domain, username, password}}`, every field on a create, at least one on an update. */
export function validateRegistry(body: unknown, options: { partial: false }): RegistryFields;
export function validateRegistry(body: unknown, options: { partial: true }): Partial<RegistryFields>;
export function validateRegistry(body: unknown, options: { partial: boolean }): Partial<RegistryFields> {
  const wrapper = body as { registry?: unknown } | undefined;
  if (!wrapper || typeof wrapper.registry !== "object" || wrapper.registry === null)
    throw new BadRequestError('The body must be {"registry": {name, domain, username, password}}.');
  const input = wrapper.registry as Record<string, unknown>;
  const fields: Partial<RegistryFields> = {};
  for (const [field, value] of Object.entries(input)) {
    if (!(FIELDS as readonly string[]).includes(field))
      throw new InvalidFieldError(`registry.${field}`, "additional properties are not allowed");
    if (typeof value !== "string" || value.length < 1 || value.length > 255)
      throw new InvalidFieldError(`registry.${field}`, "must be a string of 1–255 characters");
    if (field === "name" && !NAME_PATTERN.test(value))
      throw new InvalidFieldError("registry.name", `must match ${NAME_PATTERN.source}`);
    if (field === "domain" && !DOMAIN_PATTERN.test(value))
      throw new InvalidFieldError("registry.domain", "must be a host name with an optional port");
    fields[field as keyof RegistryFields] = value;
  }
  if (!options.partial)
    for (const field of FIELDS)
      if (fields[field] === undefined) throw new InvalidFieldError(`registry.${field}`, "is required");
  if (options.partial && Object.keys(fields).length === 0) throw new BadRequestError("Nothing to update.");
  return fields;
}
