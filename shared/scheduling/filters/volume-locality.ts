import type { HostFilter } from "./filter.ts";

/** A container that mounts an existing volume goes to that volume's host. */
export const volumeLocalityFilter: HostFilter = {
  name: "volume locality",
  passes: (host, request) => !request.volumeHostId || host.id === request.volumeHostId,
  explain: () => "not where the mounted volume is",
};
