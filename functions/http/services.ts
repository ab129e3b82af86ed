import { authorize } from "../../shared/auth/policy.ts";
import { BadRequestError, InvalidFieldError, NotFoundError } from "../../shared/errors.ts";
import {
  changeService,
  computeServiceOn,
  forgetService,
  type ServiceChange,
  availabilityZones as zonesOf,
} from "../../shared/hosts/services.ts";
import { COMPUTE_BINARY, serviceView } from "../../shared/hosts/views.ts";
import { httpHandler } from "../../shared/http/handler.ts";
import { pathParameter, queryParameters, stringParameter } from "../../shared/http/request.ts";
import { json, noContent } from "../../shared/http/responses.ts";

/** GET /v1/services (admin): one zun-compute service per host agent, up or down by its heartbeat. */
export const list = httpHandler(async (event, context) => {
  queryParameters(event, []);
  authorize(context.caller, "zun_service:manage");
  const hosts = await context.stores.hosts.list();
  return json(200, { services: hosts.map((host) => serviceView(host, context.config.hostDownAfterSeconds)) });
});

/** PUT /v1/services/enable|disable|force_down (admin) `{host, binary, …}` (see changeService). */
export const update = httpHandler(async (event, context) => {
  queryParameters(event, []);
  authorize(context.caller, "zun_service:manage");
  const body = (context.body ?? {}) as Record<string, unknown>;
  const change = serviceChangeOf(pathParameter(event, "action"), body);
  const host = await computeServiceOn(context.stores.hosts, serviceHostOf(body.host, body.binary));
  return json(200, { service: await changeService(context.stores.hosts, host, change) });
});

/** DELETE /v1/services?host=&binary= (admin): forgets a host that holds no containers. */
export const remove = httpHandler(async (event, context) => {
  const query = queryParameters(event, ["host", "binary"]);
  authorize(context.caller, "zun_service:manage");
  const name = serviceHostOf(stringParameter(query, "host"), stringParameter(query, "binary"));
  await forgetService(context.stores.hosts, await computeServiceOn(context.stores.hosts, name));
  return noContent();
});

/** GET /v1/availability_zones: the zones hosts are registered in. */
export const availabilityZones = httpHandler(async (event, context) => {
  queryParameters(event, []);
  const zones = await zonesOf(context.stores.hosts);
  return json(200, { availability_zones: zones.map((zone) => ({ availability_zone: zone })) });
});

function serviceHostOf(name: unknown, binary: unknown): string {
  if (typeof name !== "string" || name === "") throw new InvalidFieldError("host", "is required");
  if (binary !== COMPUTE_BINARY)
    throw new BadRequestError(`binary must be ${COMPUTE_BINARY}: Berth's only service per host is its agent.`);
  return name;
}

function serviceChangeOf(action: string, body: Record<string, unknown>): ServiceChange {
  if (action === "enable") return { action };
  if (action === "disable") {
    const reason = body.disabled_reason;
    return { action, reason: reason === undefined || reason === null ? null : String(reason).slice(0, 255) };
  }
  if (action === "force_down") {
    const forced = body.forced_down;
    if (typeof forced !== "boolean" && !/^(true|false)$/i.test(String(forced)))
      throw new InvalidFieldError("forced_down", "must be true or false");
    return { action, forcedDown: forced === true || /^true$/i.test(String(forced)) };
  }
  throw new NotFoundError(`Unknown service action ${action}; use enable, disable or force_down.`);
}
