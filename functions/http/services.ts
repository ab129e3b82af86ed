import { authorize } from "../../shared/auth/policy.ts";
import { BadRequestError, ConflictError, InvalidFieldError, NotFoundError } from "../../shared/errors.ts";
import { COMPUTE_BINARY, serviceView } from "../../shared/hosts/views.ts";
import { httpHandler } from "../../shared/http/handler.ts";
import { pathParameter, queryParameters, stringParameter } from "../../shared/http/request.ts";
import { json, noContent } from "../../shared/http/responses.ts";
import type { HostStore } from "../../shared/store/hosts.ts";

/** GET /v1/services (admin): one zun-compute service per host agent, up or down by its heartbeat. */
export const list = httpHandler(async (event, context) => {
  queryParameters(event, []);
  authorize(context.caller, "zun_service:manage");
  const hosts = await context.stores.hosts.list();
  return json(200, { services: hosts.map((host) => serviceView(host, context.config.hostDownAfterSeconds)) });
});

/**
 * PUT /v1/services/enable|disable|force_down (admin) `{host, binary, …}`: a
 * disabled host gets no new containers (its containers keep running); a host
 * forced down counts as down whatever its heartbeat says.
 */
export const update = httpHandler(async (event, context) => {
  queryParameters(event, []);
  authorize(context.caller, "zun_service:manage");
  const action = pathParameter(event, "action");
  const body = (context.body ?? {}) as Record<string, unknown>;
  const { hosts } = context.stores;
  const host = await computeHost(hosts, body.host, body.binary);
  if (action === "enable") {
    await hosts.setAdminState(host.id, { enabled: true, disabled_reason: null });
    return json(200, { service: { host: host.hostname, binary: COMPUTE_BINARY, disabled: false } });
  }
  if (action === "disable") {
    const reason =
      body.disabled_reason === undefined || body.disabled_reason === null
        ? null
        : String(body.disabled_reason).slice(0, 255);
    await hosts.setAdminState(host.id, { enabled: false, disabled_reason: reason });
    return json(200, {
      service: { host: host.hostname, binary: COMPUTE_BINARY, disabled: true, disabled_reason: reason },
    });
  }
  if (action === "force_down") {
    const forced = body.forced_down;
    if (typeof forced !== "boolean" && !/^(true|false)$/i.test(String(forced)))
      throw new InvalidFieldError("forced_down", "must be true or false");
    const forcedDown = forced === true || /^true$/i.test(String(forced));
    await hosts.setAdminState(host.id, { forced_down: forcedDown });
    return json(200, { service: { host: host.hostname, binary: COMPUTE_BINARY, forced_down: forcedDown } });
  }
  throw new NotFoundError(`Unknown service action ${action}; use enable, disable or force_down.`);
});

/** DELETE /v1/services?host=&binary= (admin): forgets a host that holds no containers. */
export const remove = httpHandler(async (event, context) => {
  const query = queryParameters(event, ["host", "binary"]);
  authorize(context.caller, "zun_service:manage");
  const { hosts } = context.stores;
  const host = await computeHost(hosts, stringParameter(query, "host"), stringParameter(query, "binary"));
  if (!(await hosts.remove(host.id)))
    throw new ConflictError(`Host ${host.hostname} still holds containers; delete or move them first.`, "host_in_use");
  return noContent();
});

async function computeHost(hosts: HostStore, name: unknown, binary: unknown) {
  if (typeof name !== "string" || name === "") throw new InvalidFieldError("host", "is required");
  if (binary !== COMPUTE_BINARY)
    throw new BadRequestError(`binary must be ${COMPUTE_BINARY}: Berth's only service per host is its agent.`);
  const host = (await hosts.list()).find((candidate) => candidate.hostname === name || candidate.id === name);
  if (!host) throw new NotFoundError(`Service ${COMPUTE_BINARY} on host ${name} could not be found.`);
  return host;
}

/** GET /v1/availability_zones: the zones hosts are registered in. */
export const availabilityZones = httpHandler(async (event, context) => {
  queryParameters(event, []);
  const zones = new Set((await context.stores.hosts.list()).map((host) => host.availability_zone));
  return json(200, { availability_zones: [...zones].sort().map((zone) => ({ availability_zone: zone })) });
});
