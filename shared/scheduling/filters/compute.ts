import { isHostUp } from "../../model/host.ts";
import type { HostFilter } from "./filter.ts";

/** The host is enabled, not forced down, and its agent has heartbeaten recently. */
export const computeFilter: HostFilter = {
  name: "compute",
  passes: (host, request) =>
    host.enabled && !host.forced_down && isHostUp(host, request.hostDownAfterSeconds, request.now),
  explain: (rejected, request) => {
    const disabled = rejected.filter((host) => !host.enabled).length;
    const down = rejected.length - disabled;
    return `unavailable (${[disabled && `${disabled} disabled`, down && `${down} without a heartbeat for ${request.hostDownAfterSeconds} s`].filter(Boolean).join(", ")})`;
  },
};
