/**
 * Preloaded into every host agent the local stack starts (plain JavaScript:
 * the agent runs on plain Node from its bundle). The stack holds the other end
 * of the agent's stdin; when it closes, the stack is gone (however it died,
 * SIGKILL included), and the agent stops as on SIGTERM, finishing its work in
 * flight, so the next stack never finds last run's agent in its slot.
 */
process.stdin.once("end", () => process.kill(process.pid, "SIGTERM"));
process.stdin.once("error", () => process.kill(process.pid, "SIGTERM"));
process.stdin.resume();
// Watching must not keep an agent alive that has otherwise finished.
process.stdin.unref?.();
