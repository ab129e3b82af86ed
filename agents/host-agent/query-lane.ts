import { BerthError } from "../../shared/errors.ts";

export interface QueryLaneLimits {
  /** Queries answered at once on this host. */
  running: number;
  /** Queries one project may have here at once, answered or waiting. */
  perProject: number;
}

/**
 * The lane host queries (logs, execute, archives…) run in, apart from
 * lifecycle work: a bounded number at once, and a bounded share per project,
 * so one tenant's questions neither starve another's nor the host's
 * creates and stops. A query waits for a turn no longer than its answer is due.
 */
export class QueryLane {
  private running = 0;
  private readonly held = new Map<string, number>();
  private readonly waiting: Array<() => void> = [];

  constructor(private readonly limits: QueryLaneLimits) {}

  /** Takes a turn for `projectId`'s query; the returned function gives it back. */
  async enter(projectId: string, answerBy: number): Promise<() => void> {
    const holding = this.held.get(projectId) ?? 0;
    if (holding >= this.limits.perProject) {
      throw new BerthError(
        "too_many_queries",
        429,
        `Project ${projectId} already has ${holding} questions in flight on this host; try again when they are answered.`,
      );
    }
    this.held.set(projectId, holding + 1);
    try {
      while (this.running >= this.limits.running) {
        if (!(await this.turn(answerBy)))
          throw new BerthError(
            "host_timeout",
            504,
            "The host was answering other questions until this one's answer was due.",
          );
      }
    } catch (error) {
      this.leave(projectId);
      throw error;
    }
    this.running++;
    let left = false;
    return () => {
      if (left) return;
      left = true;
      this.running--;
      this.leave(projectId);
      this.waiting.shift()?.();
    };
  }

  private leave(projectId: string): void {
    const holding = (this.held.get(projectId) ?? 1) - 1;
    if (holding > 0) this.held.set(projectId, holding);
    else this.held.delete(projectId);
  }

  /** Waits until a running query ends (true) or `deadline` passes (false). */
  private turn(deadline: number): Promise<boolean> {
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        resolve(true);
      };
      const timer = setTimeout(
        () => {
          const index = this.waiting.indexOf(wake);
          if (index >= 0) this.waiting.splice(index, 1);
          resolve(false);
        },
        Math.max(0, deadline - Date.now()),
      );
      this.waiting.push(wake);
    });
  }
}
