import type { HostFilter } from "./filter.ts";

/** The host offers the container runtime asked for (e.g. runc, runsc). */
export const runtimeFilter: HostFilter = {
  name: "runtime",
  passes: (host, request) => !request.spec.runtime || (host.runtimes ?? []).includes(request.spec.runtime),
  explain: (_rejected, request) => `without runtime ${request.spec.runtime}`,
};
