import type { HostFilter } from "./filter.ts";

/** A rescheduled container does not go back to a host it was already tried on. */
export const retryFilter: HostFilter = {
  name: "retry",
  passes: (host, request) => !request.excludedHostIds.includes(host.id),
  explain: () => "already tried for this container",
};
