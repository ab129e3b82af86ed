import { InvalidFieldError, NotFoundError } from "../../shared/errors.ts";
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
import type { RegistryRecord } from "../../shared/model/registry.ts";
import { changedRegistry, newRegistry } from "../../shared/registries/registry-changes.ts";
import { sealingSettingsOf } from "../../shared/registries/sealing-key.ts";
import { validateRegistry } from "../../shared/registries/validate-registry.ts";
import { registryView } from "../../shared/registries/view.ts";
import { UUID_PATTERN } from "../../shared/uuid.ts";

/** Zun's max_limit: a page holds at most this many. */
const MAX_PAGE = 1000;

/** POST /v1/registries {"registry": {name, domain, username, password}}: the password is sealed and never shown again. */
export const create = httpHandler(async (event, context) => {
  queryParameters(event, []);
  const fields = validateRegistry(context.body, { partial: false });
  const registry = newRegistry(fields, context.caller, await sealingSettingsOf(context.config));
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

/** PATCH /v1/registries/{id} {"registry": {…}}: changes the fields given (see changedRegistry). */
export const update = httpHandler(async (event, context) => {
  queryParameters(event, []);
  const registry = await registryOf(event, context);
  const fields = validateRegistry(context.body, { partial: true });
  const updated = await changedRegistry(registry, fields, () => sealingSettingsOf(context.config));
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
