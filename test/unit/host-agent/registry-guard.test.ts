import { describe, expect, it } from "vitest";
import {
  DEFAULT_DENIED_REGISTRY_NETWORKS,
  deniedNetworks,
  guardRegistry,
  pullFailureReason,
} from "../../../agents/host-agent/registry-guard.ts";

const denied = deniedNetworks(DEFAULT_DENIED_REGISTRY_NETWORKS);

describe("guardRegistry", () => {
  it.each([
    "169.254.169.254/latest/meta-data:1",
    "127.0.0.1:5000/team/app",
    "localhost:5000/app",
    "[::1]:5000/app",
    "0.0.0.0/app",
  ])("refuses %s before any byte is sent", async (image) => {
    await expect(guardRegistry(image, denied)).rejects.toThrow(/network images may not be pulled from/);
  });

  it.each(["busybox:1.36", "library/busybox", "203.0.113.5:5000/app"])("lets %s through", async (image) => {
    await expect(guardRegistry(image, denied)).resolves.toBeUndefined();
  });

  it("a configuration that is not a list of networks is refused", () => {
    expect(() => deniedNetworks("10.0.0.0")).toThrow(/configuration/);
  });
});

describe("pullFailureReason", () => {
  it("tells the kind of failure, never the registry's body", () => {
    const body =
      "error parsing HTTP 404 response body: invalid character '<': \"<html><body>internal admin console</body></html>\"";
    expect(pullFailureReason(new Error(body))).toBe("the registry has no such image");
    expect(pullFailureReason(new Error("Get https://r:5000/v2/: no basic auth credentials"))).toMatch(/unauthorized/);
    expect(pullFailureReason(new Error("dial tcp 127.0.0.1:1: connect: connection refused"))).toBe(
      "the registry could not be reached",
    );
    expect(pullFailureReason(new Error("weird /var/lib/docker/overlay2/abc failure"))).toBe("Docker could not pull it");
  });
});
