const DOCKER_ID = /\b[0-9a-f]{64}\b/g;
const DAEMON_PATH = /\/(?:var\/lib\/(?:docker|containerd)|(?:var\/)?run\/(?:docker|containerd))(?:\/[^\s"':]*)?/g;

/**
 * A failure's reason as a user may read it in `status_reason`: Docker's words
 * about what went wrong, without the host's internals (Docker's ids of
 * containers and layers, the daemon's paths). The agent's log keeps them whole.
 */
export function reasonForUser(reason: string): string {
  return reason.replace(DOCKER_ID, "the container").replace(DAEMON_PATH, "(a path of the host)");
}
