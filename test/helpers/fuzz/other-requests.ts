import type { Dice } from "./dice.ts";
import { hostileMap, hostileValue } from "./hostile-values.ts";
import type { FuzzTargets } from "./targets.ts";
import { credentials, type FuzzRequest, parameters, pathSegment, withBody } from "./wire.ts";

const LIMIT_VALUES = [-1, 0, 5, 1000, -2, 1.5, "10", "x", null, 2 ** 63, 1e308];

function limits(roll: Dice): unknown {
  if (roll.chance(0.15)) return hostileMap(roll);
  const body: Record<string, unknown> = {};
  for (const field of ["containers", "cpu", "memory", "disk"])
    if (roll.chance(0.5)) body[field] = roll.pick(LIMIT_VALUES);
  if (roll.chance(0.1)) body[roll.pick(["bogus", "__proto__", "constructor"])] = 1;
  return body;
}

/** /v1/quotas/{project_id}[/defaults] and /v1/quota_classes/{name}. */
export function quotaRequest(roll: Dice, targets: FuzzTargets): FuzzRequest {
  const project = pathSegment(roll, targets.projects);
  switch (roll.int(0, 5)) {
    case 0:
      return {
        route: "GET /v1/quotas/{project_id}",
        method: "GET",
        path: `/v1/quotas/${project}`,
        query: parameters(roll, { usages: ["true", "false", "x"] }),
        headers: credentials(roll),
      };
    case 1:
      return {
        route: "PUT /v1/quotas/{project_id}",
        method: "PUT",
        path: `/v1/quotas/${project}`,
        ...withBody(roll, credentials(roll), limits(roll)),
      };
    case 2:
      return {
        route: "DELETE /v1/quotas/{project_id}",
        method: "DELETE",
        path: `/v1/quotas/${project}`,
        headers: credentials(roll),
      };
    case 3:
      return {
        route: "GET /v1/quotas/{project_id}/defaults",
        method: "GET",
        path: `/v1/quotas/${project}/defaults`,
        headers: credentials(roll),
      };
    default: {
      const name = pathSegment(roll, ["default"]);
      if (roll.chance(0.5))
        return {
          route: "GET /v1/quota_classes/{name}",
          method: "GET",
          path: `/v1/quota_classes/${name}`,
          headers: credentials(roll),
        };
      return {
        route: "PUT /v1/quota_classes/{name}",
        method: "PUT",
        path: `/v1/quota_classes/${name}`,
        ...withBody(roll, credentials(roll), limits(roll)),
      };
    }
  }
}

function registryBody(roll: Dice, targets: FuzzTargets): unknown {
  if (roll.chance(0.1))
    return roll.pick([{}, { registry: null }, { registry: [] }, { registry: "x" }, hostileMap(roll)]);
  const registry: Record<string, unknown> = {
    name: `fz-reg-${++targets.serial}`,
    domain: "registry.example.test:5000",
    username: "fuzz",
    password: "secret",
  };
  for (let mutations = roll.int(0, 2); mutations > 0; mutations--) {
    const field = roll.pick(["name", "domain", "username", "password", "extra", "__proto__"]);
    const value = roll.chance(0.6)
      ? roll.pick(["", "a", "x".repeat(256), "ünï", "bad domain", "h:99999", "-x", null])
      : hostileValue(roll);
    Object.defineProperty(registry, field, { value, enumerable: true, configurable: true, writable: true });
  }
  return { registry };
}

/** /v1/registries[/{id}]. */
export function registryRequest(roll: Dice, targets: FuzzTargets): FuzzRequest {
  const id = pathSegment(roll, targets.registries);
  switch (roll.int(0, 4)) {
    case 0:
      return {
        route: "POST /v1/registries",
        method: "POST",
        path: "/v1/registries",
        ...withBody(roll, credentials(roll), registryBody(roll, targets)),
      };
    case 1:
      return {
        route: "GET /v1/registries",
        method: "GET",
        path: "/v1/registries",
        query: parameters(roll, {}),
        headers: credentials(roll),
      };
    case 2:
      return {
        route: "GET /v1/registries/{id}",
        method: "GET",
        path: `/v1/registries/${id}`,
        headers: credentials(roll),
      };
    case 3:
      return {
        route: "PATCH /v1/registries/{id}",
        method: "PATCH",
        path: `/v1/registries/${id}`,
        ...withBody(roll, credentials(roll), registryBody(roll, targets)),
      };
    default:
      return {
        route: "DELETE /v1/registries/{id}",
        method: "DELETE",
        path: `/v1/registries/${id}`,
        headers: credentials(roll),
      };
  }
}

/** /v1/volumes[/{id}], /v1/hosts[/{id}], /v1/services, /v1/availability_zones. */
export function inventoryRequest(roll: Dice, targets: FuzzTargets): FuzzRequest {
  switch (roll.int(0, 6)) {
    case 0:
      return {
        route: "GET /v1/volumes",
        method: "GET",
        path: "/v1/volumes",
        query: parameters(roll, {}),
        headers: credentials(roll),
      };
    case 1:
      return {
        route: "GET /v1/volumes/{id}",
        method: "GET",
        path: `/v1/volumes/${pathSegment(roll, targets.volumes)}`,
        headers: credentials(roll),
      };
    case 2:
      return {
        route: "DELETE /v1/volumes/{id}",
        method: "DELETE",
        path: `/v1/volumes/${pathSegment(roll, targets.volumes)}`,
        headers: credentials(roll),
      };
    case 3:
      return {
        route: "GET /v1/hosts",
        method: "GET",
        path: "/v1/hosts",
        query: parameters(roll, { limit: ["1", "0", "1001", "x"], marker: [...targets.hosts, "nothing"] }),
        headers: credentials(roll),
      };
    case 4:
      return {
        route: "GET /v1/hosts/{id}",
        method: "GET",
        path: `/v1/hosts/${pathSegment(roll, targets.hosts)}`,
        headers: credentials(roll),
      };
    case 5:
      return {
        route: "GET /v1/services",
        method: "GET",
        path: "/v1/services",
        query: parameters(roll, { host: ["x"], binary: ["zun-compute"] }),
        headers: credentials(roll),
      };
    default:
      return {
        route: "GET /v1/availability_zones",
        method: "GET",
        path: "/v1/availability_zones",
        headers: credentials(roll),
      };
  }
}

/** /v1/images[/{id}] and /v1/images/{image}/search. Pulls name images no registry here has, so none lands on the host. */
export function imageRequest(roll: Dice, targets: FuzzTargets): FuzzRequest {
  switch (roll.int(0, 4)) {
    case 0: {
      const body: Record<string, unknown> = {
        repo: "fuzz-none/nothing",
        tag: "1",
        host: roll.pick([...targets.hosts, "nowhere-host"]),
      };
      for (let mutations = roll.int(0, 2); mutations > 0; mutations--) {
        const field = roll.pick(["repo", "tag", "host", "image_driver", "extra"]);
        body[field] = roll.chance(0.6)
          ? roll.pick(["", "a", "UPPER", "fuzz-none/nothing:2", "x@sha256:0", "x".repeat(300), null])
          : hostileValue(roll);
      }
      return {
        route: "POST /v1/images",
        method: "POST",
        path: "/v1/images",
        ...withBody(roll, credentials(roll), body),
      };
    }
    case 1:
      return {
        route: "GET /v1/images",
        method: "GET",
        path: "/v1/images",
        query: parameters(roll, {}),
        headers: credentials(roll),
      };
    case 2:
      return {
        route: "GET /v1/images/{id}",
        method: "GET",
        path: `/v1/images/${pathSegment(roll, targets.images)}`,
        headers: credentials(roll),
      };
    case 3:
      return {
        route: "DELETE /v1/images/{id}",
        method: "DELETE",
        path: `/v1/images/${pathSegment(roll, targets.images)}`,
        headers: credentials(roll),
      };
    default: {
      const term = pathSegment(roll, ["busybox", "berth-test", "fuzz-none"]);
      return {
        route: "GET /v1/images/{image}/search",
        method: "GET",
        path: `/v1/images/${term}/search`,
        query: parameters(roll, {
          exact: ["true", "x"],
          exact_match: ["false"],
          host: [...targets.hosts, "x"],
          image_driver: ["docker"],
        }),
        headers: credentials(roll),
      };
    }
  }
}
