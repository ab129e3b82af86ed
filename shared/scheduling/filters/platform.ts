import { platformOf } from "../../model/host.ts";
import type { HostFilter } from "./filter.ts";

/**
 * The host runs the platform the image is built for, where a host that has
 * the image says which that is (an image no host has passes everywhere: its
 * pull will tell).
 */
export const platformFilter: HostFilter = {
  name: "platform",
  passes: (host, request) => !request.imagePlatforms?.length || request.imagePlatforms.includes(platformOf(host)),
  explain: (_rejected, request) => `not of the image's platform (${request.imagePlatforms?.join(", ")})`,
};
