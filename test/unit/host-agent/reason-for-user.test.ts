import { describe, expect, it } from "vitest";
import { reasonForUser } from "../../../agents/host-agent/reason-for-user.ts";

describe("reasonForUser", () => {
  it("keeps Docker's words and drops the host's internals", () => {
    const raw =
      'start 9e93afaa54d707d19aa38dd56cefe19ecb88c041dd5982327403a8affe874120: failed to mount /var/lib/docker/overlay2/4f1c/merged: exec: "/no/such/binary": stat /no/such/binary: no such file or directory';
    expect(reasonForUser(raw)).toBe(
      'start the container: failed to mount (a path of the host): exec: "/no/such/binary": stat /no/such/binary: no such file or directory',
    );
    expect(reasonForUser("exited with code 3")).toBe("exited with code 3");
  });
});
