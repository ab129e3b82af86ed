import { randomUUID } from "node:crypto";
import { NAME_PATTERN } from "../../shared/containers/validate-create.ts";
import { BadRequestError, InvalidFieldError, NotFoundError } from "../../shared/errors.ts";
import type { HttpContext } from "../../shared/http/context.ts";
import { httpHandler } from "../../shared/http/handler.ts";
import {
  baseUrlOf,
  integerParameter,
  pathParameter,
  queryParameters,
  stringParameter,
} from "../../shared/http/request.ts";
import { json, noContent } from "../../shared/http/responses.ts";
import { type RegistryRecord, registryView } from "../../shared/registries/record.ts";
import { sealingSettingsOf } from "../../shared/registries/sealing-key.ts";
import { registryPasswordContext, seal } from "../../shared/registries/secret-box.ts";
import { UUID_PATTERN } from "../../shared/uuid.ts";

/** Zun's max_limit: a page holds at most this many. */
const MAX_PAGE = 1000;
const DOMAIN_PATTERN = /^[a-zA-Z0-9]([a-zA-Z0-9.-]*[a-zA-Z0-9])?(:\d{1,5})?$/;
type RegistryFields = Pick<RegistryRecord, "name" | "domain" | "username"> & { password: string };

/** POST /v1/registries {"registry": {name, domain, username, password}}: the password is sealed and never shown again. */
export const create = httpHandler(async (event, context) => {
  queryParameters(event, []);
  const fields = registryFields(context.body, { partial: false }) as RegistryFields;
  const now = new Date().toISOString();
  const uuid = randomUUID();
  const registry: RegistryRecord = {
    uuid,
    name: fields.name,
    domain: fields.domain,
    username: fields.username,
    password_sealed: seal(
      fields.password,
      await sealingSettingsOf(context.config),
      registryPasswordContext({ project_id: context.caller.projectId, uuid }),
    ),
    project_id: context.caller.projectId,
    user_id: context.caller.userId,
    created_at: now,
    updated_at: now,
  };
  await context.stores.registries.put(registry);
  return json(201, { registry: registryView(registry, baseUrlOf(event)) });
});

/** GET /v1/registries[?limit=&marker=]: the project's registries in creation order, a page at a time (at most 1000, Zun's max_limit). */
export const list = httpHandler(async (event, context) => {
  const query = queryParameters(event, ["limit", "marker"]);
  const limit = integerParameter(query, "limit", 1, MAX_PAGE) ?? MAX_PAGE;
  const marker = stringParameter(query, "marker");
  const { registries } = context.stores;
  let after: RegistryRecord | undefined;
  if (marker !== undefined) {
    // Read as a key, anything but a uuid can only miss, and a long one fails DynamoDB's key size limit.
    if (!UUID_PATTERN.test(marker))
      throw new InvalidFieldError("marker", "must be the uuid of the last registry of the previous page");
    after = await registries.get(marker);
    if (after?.project_id !== context.caller.projectId)
      throw new InvalidFieldError("marker", `no registry ${marker} in this listing`);
  }
  const page = await registries.page(context.caller.projectId, { after, limit });
  const base = baseUrlOf(event);
  const last = page.registries.at(-1);
  return json(200, {
    registries: page.registries.map((registry) => registryView(registry, base)),
    next:
      page.more && last
        ? `${base}/v1/registries?${new URLSearchParams({ ...query, marker: last.uuid }).toString()}`
        : null,
  });
});

export const show = httpHandler(async (event, context) => {
  queryParameters(event, []);
  return json(200, { registry: registryView(await registryOf(event, context), baseUrlOf(event)) });
});

/** PATCH /v1/registries/{id} {"registry": {…}}: changes the fields given; a new password is sealed like the first. */
export const update = httpHandler(async (event, context) => {
  queryParameters(event, []);
  const registry = await registryOf(event, context);
  const { password, ...fields } = registryFields(context.body, { partial: true });
  if (fields.domain !== undefined && fields.domain !== registry.domain && password === undefined) {
    throw new InvalidFieldError(
      "registry.password",
      "is required to move a registry to another domain: its credentials are not sent to a new place without it",
    );
  }
  const updated: RegistryRecord = {
    ...registry,
    ...fields,
    ...(password !== undefined
      ? { password_sealed: seal(password, await sealingSettingsOf(context.config), registryPasswordContext(registry)) }
      : {}),
    updated_at: new Date().toISOString(),
  };
  await context.stores.registries.put(updated);
  return json(200, { registry: registryView(updated, baseUrlOf(event)) });
});

export const remove = httpHandler(async (event, context) => {
  queryParameters(event, []);
  const registry = await registryOf(event, context);
  await context.stores.registries.delete(registry.uuid);
  return noContent();
});

async function registryOf(event: Parameters<typeof pathParameter>[0], context: HttpContext): Promise<RegistryRecord> {
  const id = pathParameter(event, "id");
  const registry = await context.stores.registries.find(context.caller.projectId, id);
  if (!registry) throw new NotFoundError(`Registry ${id} could not be found.`);
  return registry;
}

function registryFields(body: unknown, options: { partial: boolean }): Partial<RegistryFields> {
  const wrapper = body as { registry?: unknown } | undefined;
  if (!wrapper || typeof wrapper.registry !== "object" || wrapper.registry === null)
    throw new BadRequestError('The body must be {"registry": {name, domain, username, password}}.');
  const input = wrapper.registry as Record<string, unknown>;
  const fields: Partial<RegistryFields> = {};
  for (const [field, value] of Object.entries(input)) {
    if (!["name", "domain", "username", "password"].includes(field))
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
    for (const field of ["name", "domain", "username", "password"] as const)
      if (fields[field] === undefined) throw new InvalidFieldError(`registry.${field}`, "is required");
  if (options.partial && Object.keys(fields).length === 0) throw new BadRequestError("Nothing to update.");
  return fields;
}
