import type { LifecycleAction, LifecycleOptions } from "../../../shared/containers/lifecycle-requests.ts";
import { integerParameter, stringParameter } from "../../../shared/http/request.ts";

/** The query parameters each lifecycle route accepts (any other is a 400). */
export const LIFECYCLE_PARAMETERS: Record<LifecycleAction, readonly string[]> = {
  start: [],
  stop: ["timeout"],
  reboot: ["timeout"],
  pause: [],
  unpause: [],
  kill: ["signal"],
  rebuild: ["image", "image_driver"],
};

/** A lifecycle request's options, read from its (already checked) query parameters. */
export function lifecycleOptionsOf(query: Record<string, string>): LifecycleOptions {
  return {
    timeout: integerParameter(query, "timeout", 0, 3600),
    signal: stringParameter(query, "signal"),
    image: stringParameter(query, "image"),
    image_driver: stringParameter(query, "image_driver"),
  };
}
