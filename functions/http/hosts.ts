import { authorize } from "../../shared/auth/policy.ts";
import { NotFoundError } from "../../shared/errors.ts";
import { hostView } from "../../shared/hosts/views.ts";
import { httpHandler } from "../../shared/http/handler.ts";
import {
  baseUrlOf,
  integerParameter,
  pathParameter,
  queryParameters,
  stringParameter,
} from "../../shared/http/request.ts";
import { json } from "../../shared/http/responses.ts";

/** GET /v1/hosts (admin): every registered host with its capacity and what is claimed on it. */
export const list = httpHandler(async (event, context) => {
  const query = queryParameters(event, ["limit", "marker", "sort_key", "sort_dir"]);
  authorize(context.caller, "host:get");
  const hosts = (await context.stores.hosts.list()).sort(
    (a, b) => a.hostname.localeCompare(b.hostname) || a.id.localeCompare(b.id),
  );
  const marker = stringParameter(query, "marker");
  const start = marker ? hosts.findIndex((host) => host.id === marker) + 1 : 0;
  const limit = integerParameter(query, "limit", 1, 1000) ?? hosts.length;
  const page = hosts.slice(start, start + limit);
  const base = baseUrlOf(event);
  const more = start + limit < hosts.length && page.length > 0;
  return json(200, {
    hosts: page.map((host) => hostView(host, base)),
    next: more ? `${base}/v1/hosts?limit=${limit}&marker=${page[page.length - 1]!.id}` : null,
  });
});

/** GET /v1/hosts/{id} (admin): by uuid or hostname. */
export const show = httpHandler(async (event, context) => {
  queryParameters(event, []);
  authorize(context.caller, "host:get");
  const id = pathParameter(event, "id");
  const hosts = context.stores.hosts;
  const host = (await hosts.get(id)) ?? (await hosts.list()).find((candidate) => candidate.hostname === id);
  if (!host) throw new NotFoundError(`Host ${id} could not be found.`);
  return json(200, hostView(host, baseUrlOf(event)));
});
