/**
 * How many of the best-ranked hosts this instance spreads its claims over.
 * Concurrent placements that all reach for the one best host cancel each
 * other's transactions (binpack at 256 clients lost 64% of them), so the window
 * doubles with each contention an instance meets and shrinks by a tenth with
 * each claim that goes through at once. It settles where about one claim in
 * fifteen meets contention (2 × 0.9^14 ≈ 0.46 < 1 < 2 × 0.9^6): packing stays
 * tight when it is quiet, under load the claims land on the best few dozen
 * hosts instead of on one, and a burst's wide window closes again within a few
 * dozen claims (shrinking by one at a time, a window widened to thousands
 * stayed spread long after the burst).
 */
/** What each uncontended claim keeps of the window. */
const SHRINK = 0.9;

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
    this.current = Math.max(Math.max(1, this.base), this.current * SHRINK);
  }
}
