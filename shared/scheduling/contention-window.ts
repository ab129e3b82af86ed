/**
 * How many of the best-ranked hosts this instance spreads its claims over.
 * Concurrent placements that all reach for the one best host cancel each
 * other's transactions (binpack at 256 clients lost 64% of them), so the window
 * grows with the contention an instance meets and shrinks back while its
 * claims go through: multiplicative increase, additive decrease, as TCP does
 * with congestion. Packing stays tight when it is quiet, and under load the
 * claims land on the best few dozen hosts instead of on one.
 */
export class ContentionWindow {
  private current: number;

  constructor(
    private readonly base: number,
    private readonly max = 4096,
  ) {
    this.current = Math.max(1, base);
  }

  get size(): number {
    return Math.floor(this.current);
  }

  /** A claim was cancelled by another's transaction on the same host. */
  contended(): void {
    this.current = Math.min(this.max, this.current * 2);
  }

  /** A claim went through at the first try. */
  claimed(): void {
    this.current = Math.max(Math.max(1, this.base), this.current - 1);
  }
}
