import { describe, expect, it } from "vitest";
import type { HostMessage } from "../../../shared/queue/host-messages.ts";
import { keys } from "../../../shared/store/keys.ts";
import { pendingDeadline, pendingWork } from "../../../shared/store/pending-work.ts";

const stop: HostMessage = { kind: "stop", container_uuid: "c1", generation: 4, request_id: "req-1", timeout: 30 };

describe("work in flight on the overdue index", () => {
  it("is due after the deployment's timeout plus the request's own wait", () => {
    const now = Date.UTC(2026, 10, 23, 12, 0, 0);
    expect(pendingWork(stop, 300, 0, now)).toEqual({
      gsi4pk: "PENDING",
      gsi4sk: "2026-11-23T12:05:30.000Z#c1",
      pending_message: stop,
      pending_retries: 0,
    });
    expect(pendingDeadline({ ...stop, timeout: undefined }, 60, now)).toEqual({
      gsi4sk: "2026-11-23T12:01:00.000Z#c1",
    });
  });

  it("sorts overdue entries before the reconciler's bound and later ones after it", () => {
    const now = Date.UTC(2026, 10, 23, 12, 0, 0);
    const bound = keys.overdueBefore(now);
    expect(keys.pendingUntil(now - 1, "zzz").gsi4sk < bound).toBe(true);
    expect(keys.pendingUntil(now, "000").gsi4sk < bound).toBe(false);
    expect(keys.pendingUntil(now + 1000, "000").gsi4sk < bound).toBe(false);
  });
});
