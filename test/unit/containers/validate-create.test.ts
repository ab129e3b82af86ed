import { describe, expect, it } from "vitest";
import { defaultPullPolicy, validateCreateBody } from "../../../shared/containers/validate-create.ts";
import { ForbiddenError, InvalidFieldError } from "../../../shared/errors.ts";

const member = { caller: { projectId: "p", userId: "m", roles: ["member"] } };
const admin = { caller: { projectId: "ops", userId: "root", roles: ["admin"] } };

function fieldOf(body: unknown, options = member): string {
  try {
    validateCreateBody(body, options);
  } catch (error) {
    if (error instanceof InvalidFieldError) return error.field;
    throw error;
  }
  throw new Error("expected a 400");
}

describe("validateCreateBody", () => {
  it("fills Zun's defaults", () => {
    const spec = validateCreateBody({ image: "nginx:1.27" }, member);
    expect(spec).toMatchObject({
      cpu: 1,
      memory: 512,
      disk: 10,
      image_pull_policy: "ifnotpresent",
      command: null,
      restart_policy: null,
    });
    expect(spec.name).toMatch(/^berth-[0-9a-f]{8}$/);
  });

  it("accepts the seed's sample body: the default security group and an empty nets", () => {
    expect(() => validateCreateBody({ image: "ab", security_groups: ["default"], nets: [] }, member)).not.toThrow();
  });

  it("accepts numeric strings where Zun does", () => {
    expect(validateCreateBody({ image: "ab", cpu: "0.5", memory: "64" }, member)).toMatchObject({
      cpu: 0.5,
      memory: 64,
    });
  });

  it.each([
    [{ image: "a" }, "image"],
    [{ image: "has space" }, "image"],
    [{ image: "x".repeat(256) }, "image"],
    [{ image: "ab", memory: 3 }, "memory"],
    [{ image: "ab", memory: 8193 }, "memory"],
    [{ image: "ab", memory: 12.5 }, "memory"],
    [{ image: "ab", cpu: 0.09 }, "cpu"],
    [{ image: "ab", cpu: 16.1 }, "cpu"],
    [{ image: "ab", cpu: "lots" }, "cpu"],
    [{ image: "ab", disk: 0 }, "disk"],
    [{ image: "ab", disk: 161 }, "disk"],
    [{ image: "ab", name: "a" }, "name"],
    [{ image: "ab", name: "-leading" }, "name"],
    [{ image: "ab", command: "sleep 1" }, "command"],
    [{ image: "ab", command: ["sleep", 1] }, "command"],
    [{ image: "ab", hostname: "bad_host" }, "hostname"],
    [{ image: "ab", labels: { a: true } }, "labels.a"],
    [{ image: "ab", restart_policy: { Name: "sometimes" } }, "restart_policy.Name"],
    [{ image: "ab", restart_policy: { Name: "always", MaximumRetryCount: 1 } }, "restart_policy.MaximumRetryCount"],
    [{ image: "ab", healthcheck: { cmd: "true", interval: -1 } }, "healthcheck.interval"],
    [{ image: "ab", healthcheck: { interval: 1 } }, "healthcheck.cmd"],
    [{ image: "ab", exposed_ports: { "80/tcp": { HostPort: "1" } } }, "exposed_ports"],
    [{ image: "ab", exposed_ports: { "70000/tcp": {} } }, "exposed_ports"],
    [{ image: "ab", tty: "maybe" }, "tty"],
    [{ image: "ab", nets: [{ network: "x" }] }, "nets"],
    [{ image: "ab", mounts: { source: "v" } }, "mounts"],
    [{ image: "ab", mounts: [{ source: "v", size: 1, destination: "/d" }] }, "mounts[0]"],
    [
      {
        image: "ab",
        mounts: [
          { size: 1, destination: "/d" },
          { size: 1, destination: "/d" },
        ],
      },
      "mounts[1].destination",
    ],
    [{ image: "ab", mounts: [{ type: "tmpfs", destination: "/d" }] }, "mounts[0].type"],
    [{ image: "ab", mounts: [{ type: "bind", source: "aGk=", destination: "/d", size: 1 }] }, "mounts[0].size"],
    [{ image: "ab", mounts: [{ source: "v", destination: "/d", auto_remove: false }] }, "mounts[0].auto_remove"],
    [{ image: "ab", security_groups: ["default", "web"] }, "security_groups"],
    [{ image: "ab", security_groups: "default" }, "security_groups"],
    [{ image: "ab", bogus: 1 }, "bogus"],
    [{ name: "no-image" }, "image"],
  ])("%j is refused naming %s", (body, field) => {
    expect(fieldOf(body)).toBe(field);
  });

  it("allows on-failure with a retry count and returns it as given", () => {
    expect(
      validateCreateBody({ image: "ab", restart_policy: { Name: "on-failure", MaximumRetryCount: "3" } }, member)
        .restart_policy,
    ).toEqual({ Name: "on-failure", MaximumRetryCount: 3 });
  });

  it("keeps privileged and host for admins", () => {
    expect(() => validateCreateBody({ image: "ab", privileged: true }, member)).toThrow(ForbiddenError);
    expect(() => validateCreateBody({ image: "ab", host: "h1" }, member)).toThrow(ForbiddenError);
    expect(validateCreateBody({ image: "ab", privileged: true, host: "h1" }, admin)).toMatchObject({
      privileged: true,
      requested_host: "h1",
    });
  });
});

describe("defaultPullPolicy", () => {
  it.each([
    ["nginx", "always"],
    ["nginx:latest", "always"],
    ["registry:5000/team/app", "always"],
    ["registry:5000/team/app:1.2", "ifnotpresent"],
    ["nginx@sha256:abc", "ifnotpresent"],
  ])("%s → %s", (image, policy) => expect(defaultPullPolicy(image)).toBe(policy));
});
