import { randomBytes } from "node:crypto";
import type { Identity } from "../auth/identity.ts";
import { authorize } from "../auth/policy.ts";
import { InvalidFieldError, PayloadTooLargeError } from "../errors.ts";
import { type ApiVersion, DEFAULT_API_VERSION } from "../http/microversion.ts";
import { isCommittedImage } from "../images/committed-images.ts";
import type { ContainerSpec, Healthcheck, RestartPolicy } from "../model/container.ts";
import { GROUP_POLICIES, isGroupPolicy } from "../model/group.ts";
import { parseAvailabilityZone } from "../scheduling/forced-host.ts";
import { IMAGE_VALIDATIONS, isImageValidation } from "../scheduling/image-validation.ts";
import { isStrategy, STRATEGIES } from "../scheduling/weighers/strategies.ts";
import { validateMounts } from "../volumes/mounts.ts";
import { commandField } from "./command-field.ts";
import {
  booleanField,
  integerInRange,
  listOfStrings,
  matches,
  memoryInRange,
  numberInRange,
  oneOf,
  stringMap,
  stringOfLength,
} from "./field-rules.ts";

export const NAME_PATTERN = /^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;
export const IMAGE_PATTERN = /^[a-zA-Z0-9][a-zA-Z0-9_.:/@-]+$/;
const HOSTNAME_PATTERN = /^[a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?$/;
/** Each exposed port takes a host port from a range every tenant of the host shares. */
const MAX_EXPOSED_PORTS = 32;
const PORT_PATTERN = /^\d{1,5}(\/(tcp|udp|sctp))?$/;

const KNOWN_FIELDS = new Set([
  "name",
  "image",
  "command",
  "entrypoint",
  "cpu",
  "memory",
  "disk",
  "environment",
  "labels",
  "workdir",
  "hostname",
  "runtime",
  "availability_zone",
  "image_pull_policy",
  "image_driver",
  "restart_policy",
  "interactive",
  "tty",
  "auto_remove",
  "auto_heal",
  "privileged",
  "hints",
  "nets",
  "mounts",
  "healthcheck",
  "exposed_ports",
  "host",
  "cpu_policy",
  "registry",
  "security_groups",
]);

/**
 * Validates a Zun create body (1.40's, or a legacy one's command line before
 * 1.20) into a spec, throwing a 400 that names the first offending field.
 * Nothing is stored before this succeeds.
 */
export function validateCreateBody(
  body: unknown,
  options: { caller: Identity; apiVersion?: ApiVersion },
): ContainerSpec {
  if (body === undefined) throw new InvalidFieldError("image", "a request body with at least `image` is required");
  const input = body as Record<string, unknown>;
  for (const field of Object.keys(input)) {
    if (!KNOWN_FIELDS.has(field))
      throw new InvalidFieldError(field, `additional properties are not allowed ('${field}' was unexpected)`);
  }
  if (input.image === undefined || input.image === null)
    throw new InvalidFieldError("image", "'image' is a required property");

  const privileged = booleanField(input, "privileged") ?? false;
  if (privileged) authorize(options.caller, "container:create:privileged");
  const requestedHost = input.host === undefined || input.host === null ? null : stringOfLength(input, "host", 1, 255);
  if (requestedHost !== null) authorize(options.caller, "container:create:requested_destination");
  const zone = parseAvailabilityZone(optionalString(input, "availability_zone", 1, 255), {
    caller: options.caller,
    requestedHost,
  });
  const runtime = optionalString(input, "runtime", 1, 255);
  if (runtime !== null) authorize(options.caller, "container:create:runtime");

  const image = matches(input, "image", stringOfLength(input, "image", 2, 255), IMAGE_PATTERN);
  rejectNonEmptyList(
    input,
    "nets",
    "Neutron networks are not supported by Berth; containers join their project's network",
  );
  onlyDefaultSecurityGroup(input);
  const cpuPolicy =
    input.cpu_policy === undefined || input.cpu_policy === null
      ? "shared"
      : oneOf(input, "cpu_policy", ["shared", "dedicated"] as const);
  const cpu = numberInRange(input, "cpu", 0.1, 16.0) ?? 1.0;
  if (cpuPolicy === "dedicated" && !Number.isInteger(cpu))
    throw new InvalidFieldError(
      "cpu",
      `${cpu} is not a whole number of cores, as cpu_policy dedicated pins whole cores`,
    );

  return withinRecordSize({
    name:
      input.name === undefined || input.name === null
        ? generateName()
        : matches(input, "name", stringOfLength(input, "name", 2, 255), NAME_PATTERN),
    image,
    command: commandField(input, options.apiVersion ?? DEFAULT_API_VERSION),
    entrypoint: listOfStrings(input, "entrypoint"),
    cpu,
    cpu_policy: cpuPolicy,
    memory: memoryInRange(input, "memory", 4, 8192) ?? 512,
    disk: integerInRange(input, "disk", 1, 160, { allowDigitString: true }) ?? 10,
    environment: stringMap(input, "environment", {
      pattern: /^[^=\0]+$/,
      says: "is not an environment variable name (no = or NUL)",
    }),
    labels: stringMap(input, "labels"),
    workdir: optionalString(input, "workdir", 1, 255),
    hostname:
      input.hostname === undefined || input.hostname === null
        ? null
        : matches(input, "hostname", stringOfLength(input, "hostname", 2, 63), HOSTNAME_PATTERN),
    runtime,
    availability_zone: zone.zone,
    image_pull_policy:
      input.image_pull_policy === undefined || input.image_pull_policy === null
        ? defaultPullPolicy(image)
        : oneOf(input, "image_pull_policy", ["never", "always", "ifnotpresent"] as const),
    image_driver:
      input.image_driver === undefined || input.image_driver === null
        ? "docker"
        : oneOf(input, "image_driver", ["docker"] as const),
    restart_policy: restartPolicy(input),
    interactive: booleanField(input, "interactive") ?? false,
    tty: booleanField(input, "tty") ?? false,
    auto_remove: booleanField(input, "auto_remove") ?? false,
    auto_heal: booleanField(input, "auto_heal") ?? false,
    privileged,
    hints: placementHints(input),
    healthcheck: healthcheck(input),
    exposed_ports: exposedPorts(input),
    requested_host: zone.forcedHost ?? requestedHost,
    forced_host: zone.forcedHost !== null,
    mounts: validateMounts(input.mounts),
    registry: optionalString(input, "registry", 1, 255),
  });
}

/** What a container's record may hold of the user's: DynamoDB keeps at most 400 KB per item, and the record has more to carry. */
const MAX_SPEC_BYTES = 256 * 1024;

function withinRecordSize(spec: ContainerSpec): ContainerSpec {
  const bytes = Buffer.byteLength(JSON.stringify(spec));
  if (bytes > MAX_SPEC_BYTES) {
    throw new PayloadTooLargeError(
      `The container's specification is ${Math.ceil(bytes / 1024)} KiB; at most ${MAX_SPEC_BYTES / 1024} KiB can be stored.`,
    );
  }
  return spec;
}

/** Zun pulls `always` for every tag; pulling only `latest` (or untagged) images again is kinder. */
export function defaultPullPolicy(image: string): "always" | "ifnotpresent" | "never" {
  // A committed image exists only on the host it was made on: nothing can pull it.
  if (isCommittedImage(image)) return "never";
  if (image.includes("@")) return "ifnotpresent";
  const lastSegment = image.slice(image.lastIndexOf("/") + 1);
  const tag = lastSegment.includes(":") ? lastSegment.slice(lastSegment.indexOf(":") + 1) : "latest";
  return tag === "latest" ? "always" : "ifnotpresent";
}

/** `hints` is free-form, as in Zun, except the keys the scheduler reads. */
function placementHints(input: Record<string, unknown>): Record<string, string> {
  const hints = stringMap(input, "hints");
  if (hints.strategy !== undefined && !isStrategy(hints.strategy))
    throw new InvalidFieldError("hints.strategy", `must be one of ${Object.keys(STRATEGIES).join(", ")}`);
  if (hints.group !== undefined && (hints.group.length > 255 || !NAME_PATTERN.test(hints.group)))
    throw new InvalidFieldError(
      "hints.group",
      `must be a server group's uuid or name (2–255 of ${NAME_PATTERN.source})`,
    );
  if (hints.image_validation !== undefined && !isImageValidation(hints.image_validation))
    throw new InvalidFieldError("hints.image_validation", `must be one of ${IMAGE_VALIDATIONS.join(", ")}`);
  if (hints.group_policy !== undefined) {
    if (hints.group === undefined) throw new InvalidFieldError("hints.group_policy", "needs hints.group");
    if (!isGroupPolicy(hints.group_policy))
      throw new InvalidFieldError("hints.group_policy", `must be one of ${GROUP_POLICIES.join(", ")}`);
  }
  return hints;
}

function generateName(): string {
  return `berth-${randomBytes(4).toString("hex")}`;
}

function optionalString(input: Record<string, unknown>, field: string, min: number, max: number): string | null {
  return input[field] === undefined || input[field] === null ? null : stringOfLength(input, field, min, max);
}

function rejectNonEmptyList(input: Record<string, unknown>, field: string, reason: string): void {
  const value = input[field];
  if (value === undefined || value === null) return;
  if (!Array.isArray(value)) throw new InvalidFieldError(field, "must be a list");
  if (value.length > 0) throw new InvalidFieldError(field, reason);
}

/**
 * Zun's `default` group is what a project's network already enforces (its
 * containers reach each other, others cannot reach in); other groups need Neutron.
 */
function onlyDefaultSecurityGroup(input: Record<string, unknown>): void {
  const value = input.security_groups;
  if (value === undefined || value === null) return;
  if (!Array.isArray(value)) throw new InvalidFieldError("security_groups", "must be a list");
  const other = value.find((group) => group !== "default");
  if (other !== undefined) {
    throw new InvalidFieldError(
      "security_groups",
      `only the default group is supported (Neutron security groups are not), got ${JSON.stringify(other)}`,
    );
  }
}

function restartPolicy(input: Record<string, unknown>): RestartPolicy | null {
  const value = input.restart_policy;
  if (value === undefined || value === null) return null;
  if (typeof value !== "object" || Array.isArray(value))
    throw new InvalidFieldError("restart_policy", "must be an object {Name, MaximumRetryCount}");
  const policy = value as Record<string, unknown>;
  for (const key of Object.keys(policy)) {
    if (key !== "Name" && key !== "MaximumRetryCount")
      throw new InvalidFieldError(`restart_policy.${key}`, "additional properties are not allowed");
  }
  const name = oneOf(policy, "Name", ["no", "always", "on-failure", "unless-stopped"] as const, "restart_policy.Name");
  const count =
    integerInRange(policy, "MaximumRetryCount", 0, 1_000_000, {
      allowDigitString: true,
      label: "restart_policy.MaximumRetryCount",
    }) ?? 0;
  if (name !== "on-failure" && count !== 0) {
    throw new InvalidFieldError(
      "restart_policy.MaximumRetryCount",
      `must be 0 unless Name is on-failure (Name is ${name})`,
    );
  }
  return { Name: name, MaximumRetryCount: count };
}

function healthcheck(input: Record<string, unknown>): Healthcheck | null {
  const value = input.healthcheck;
  if (value === undefined || value === null) return null;
  if (typeof value !== "object" || Array.isArray(value))
    throw new InvalidFieldError("healthcheck", "must be an object {cmd, interval, retries, timeout}");
  const check = value as Record<string, unknown>;
  for (const key of Object.keys(check)) {
    if (!["cmd", "interval", "retries", "timeout"].includes(key))
      throw new InvalidFieldError(`healthcheck.${key}`, "additional properties are not allowed");
  }
  const cmd = stringOfLength(check, "cmd", 1, 4096, "healthcheck.cmd");
  return {
    cmd,
    interval: integerInRange(check, "interval", 0, 86_400, { label: "healthcheck.interval" }) ?? 0,
    retries: integerInRange(check, "retries", 0, 1_000, { label: "healthcheck.retries" }) ?? 0,
    timeout: integerInRange(check, "timeout", 0, 86_400, { label: "healthcheck.timeout" }) ?? 0,
  };
}

function exposedPorts(input: Record<string, unknown>): Record<string, Record<string, never>> {
  const value = input.exposed_ports;
  if (value === undefined || value === null) return {};
  if (typeof value !== "object" || Array.isArray(value))
    throw new InvalidFieldError("exposed_ports", 'must be an object like {"80/tcp": {}}');
  const ports: Record<string, Record<string, never>> = {};
  if (Object.keys(value).length > MAX_EXPOSED_PORTS)
    throw new InvalidFieldError("exposed_ports", `at most ${MAX_EXPOSED_PORTS} ports`);
  for (const [port, options] of Object.entries(value)) {
    const number = Number(port.split("/")[0]);
    if (!PORT_PATTERN.test(port) || number < 1 || number > 65535)
      throw new InvalidFieldError("exposed_ports", `${port} is not a port like 80/tcp`);
    if (typeof options !== "object" || options === null || Object.keys(options).length > 0)
      throw new InvalidFieldError("exposed_ports", `${port} must map to {}`);
    ports[port.includes("/") ? port : `${port}/tcp`] = {};
  }
  return ports;
}
