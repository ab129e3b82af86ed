/**
 * Fault injection for the test suite: with BERTH_AGENT_CRASH_AT=<point> the
 * agent kills itself (SIGKILL, as a power cut would) when it reaches that
 * point, so every step of an operation can be interrupted on purpose. Unset in
 * production, where this does nothing.
 */
export function crashPoint(point: CrashPoint): void {
  if (process.env.BERTH_AGENT_CRASH_AT === point) process.kill(process.pid, "SIGKILL");
}

export type CrashPoint =
  | "create:image_ready"
  | "create:docker_created"
  | "create:docker_started"
  | "delete:docker_stopped"
  | "delete:docker_removed";
