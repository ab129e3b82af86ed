import type { HostFilter } from "./filter.ts";

/** The admin asked for a specific host (by hostname or id). */
export const requestedHostFilter: HostFilter = {
  name: "requested host",
  passes: (host, request) =>
    !request.spec.requested_host || [host.hostname, host.id].includes(request.spec.requested_host),
  explain: (rejected, request) =>
    `${rejected.length === 1 ? "is" : "are"} not the requested host ${request.spec.requested_host}`,
};

export const availabilityZoneFilter: HostFilter = {
  name: "availability zone",
  passes: (host, request) =>
    !request.spec.availability_zone || host.availability_zone === request.spec.availability_zone,
  explain: (_rejected, request) => `not in availability zone ${request.spec.availability_zone}`,
};

const LABEL_HINT = "label:";

/** Every `hints` entry `label:<k>: v` must equal the host's label `<k>`. */
export const labelFilter: HostFilter = {
  name: "label",
  passes: (host, request) =>
    Object.entries(request.spec.hints)
      .filter(([hint]) => hint.startsWith(LABEL_HINT))
      .every(([hint, value]) => host.labels?.[hint.slice(LABEL_HINT.length)] === value),
  explain: (_rejected, request) =>
    `label mismatch (want ${Object.entries(request.spec.hints)
      .filter(([hint]) => hint.startsWith(LABEL_HINT))
      .map(([hint, value]) => `${hint.slice(LABEL_HINT.length)}=${value}`)
      .join(", ")})`,
};
