import {
  integerInRange,
  listOfStrings,
  matches,
  memoryInRange,
  numberInRange,
  oneOf,
  stringMap,
  stringOfLength,
} from "../containers/field-rules.ts";
import { defaultPullPolicy, NAME_PATTERN } from "../containers/validate-create.ts";
import { InvalidFieldError, PayloadTooLargeError } from "../errors.ts";
import type { CapsuleContainerSpec, CapsuleSpec } from "../model/capsule.ts";

/** At most this many containers (init and regular together) and volumes in one capsule. */
const MAX_MEMBERS = 16;
const MAX_TEMPLATE_BYTES = 64 * 1024;
/** A container that requests nothing is sized as this, so a capsule's claim is never zero. */
const DEFAULT_CPU = 0.1;
const DEFAULT_MEMORY_MIB = 64;

const RESTART_POLICIES = { Never: "no", Always: "always", OnFailure: "on-failure" } as const;
const CONTAINER_FIELDS = new Set([
  "name",
  "image",
  "command",
  "args",
  "workDir",
  "env",
  "resources",
  "ports",
  "volumeMounts",
  "imagePullPolicy",
]);
const PULL_POLICIES = { Always: "always", IfNotPresent: "ifnotpresent", Never: "never" } as const;

type Input = Record<string, unknown>;

/**
 * Zun's capsule create body, `{template: {kind, metadata, spec}}` as
 * python-zunclient sends it (the template may also be a JSON string), checked
 * field by field: a bad one is a 400 naming its path in the template, e.g.
 * `spec.containers[0].image`.
 */
export function validateCapsuleBody(body: unknown): Omit<CapsuleSpec, "name"> & { name: string | null } {
  const input = object(body, "body");
  let template = input.template;
  if (typeof template === "string") {
    if (Buffer.byteLength(template) > MAX_TEMPLATE_BYTES)
      throw new PayloadTooLargeError(`A capsule template may be at most ${MAX_TEMPLATE_BYTES / 1024} KiB.`);
    try {
      template = JSON.parse(template);
    } catch {
      throw new InvalidFieldError("template", "is not JSON");
    }
  }
  const tpl = object(template, "template");
  if (Buffer.byteLength(JSON.stringify(tpl)) > MAX_TEMPLATE_BYTES)
    throw new PayloadTooLargeError(`A capsule template may be at most ${MAX_TEMPLATE_BYTES / 1024} KiB.`);
  oneOf(tpl, "kind", ["capsule", "Capsule"] as const);
  if (tpl.capsuleVersion !== undefined) stringOfLength(tpl, "capsuleVersion", 1, 255);
  const metadata = tpl.metadata === undefined || tpl.metadata === null ? {} : object(tpl.metadata, "metadata");
  const spec = object(tpl.spec, "spec");
  const volumes = volumesOf(spec.volumes);
  const volumeNames = new Set(volumes.map((volume) => volume.name));
  const init_containers = containersOf(spec.initContainers, "spec.initContainers", volumeNames, false);
  const containers = containersOf(spec.containers, "spec.containers", volumeNames, true);
  if (init_containers.length + containers.length > MAX_MEMBERS)
    throw new InvalidFieldError("spec.containers", `at most ${MAX_MEMBERS} containers with the init containers`);
  const names = new Set<string>();
  const paths = [
    ...init_containers.map((_, index) => `spec.initContainers[${index}].name`),
    ...containers.map((_, index) => `spec.containers[${index}].name`),
  ];
  for (const [index, container] of [...init_containers, ...containers].entries()) {
    if (names.has(container.name))
      throw new InvalidFieldError(paths[index]!, `${container.name} is used twice in the capsule`);
    names.add(container.name);
  }
  const restart =
    spec.restartPolicy === undefined || spec.restartPolicy === null
      ? "always"
      : RESTART_POLICIES[oneOf(spec, "restartPolicy", ["Never", "Always", "OnFailure"] as const, "spec.restartPolicy")];
  return {
    name:
      metadata.name === undefined || metadata.name === null
        ? null
        : at("metadata.name", metadata.name, (input, field) =>
            matches(input, field, stringOfLength(input, field, 2, 255), NAME_PATTERN),
          ),
    labels: at("metadata.labels", metadata.labels, (input, field) => stringMap(input, field)),
    annotations: at("metadata.annotations", metadata.annotations, (input, field) => stringMap(input, field)),
    restart_policy: { Name: restart, MaximumRetryCount: 0 },
    availability_zone:
      tpl.availabilityZone === undefined || tpl.availabilityZone === null
        ? null
        : stringOfLength(tpl, "availabilityZone", 1, 255),
    init_containers,
    containers,
    volumes,
  };
}

function containersOf(
  value: unknown,
  path: string,
  volumeNames: Set<string>,
  required: boolean,
): CapsuleContainerSpec[] {
  if ((value === undefined || value === null) && !required) return [];
  if (!Array.isArray(value) || (required && value.length === 0))
    throw new InvalidFieldError(path, required ? "must be a list of at least one container" : "must be a list");
  const kind = path.endsWith("initContainers") ? "init" : "container";
  return value.map((item, index) => containerOf(item, `${path}[${index}]`, `${kind}-${index}`, volumeNames));
}

function containerOf(
  value: unknown,
  path: string,
  defaultName: string,
  volumeNames: Set<string>,
): CapsuleContainerSpec {
  const input = object(value, path);
  for (const key of Object.keys(input))
    if (!CONTAINER_FIELDS.has(key)) throw new InvalidFieldError(`${path}.${key}`, "is not a capsule container field");
  const image = at(`${path}.image`, input.image, (i, field) => stringOfLength(i, field, 2, 255));
  const command = at(`${path}.command`, input.command, listOfStrings);
  const args = at(`${path}.args`, input.args, listOfStrings);
  const resources =
    input.resources === undefined || input.resources === null ? {} : object(input.resources, `${path}.resources`);
  const requests = sizes(resources.requests, `${path}.resources.requests`);
  const limits = sizes(resources.limits, `${path}.resources.limits`);
  return {
    name:
      input.name === undefined || input.name === null
        ? defaultName
        : at(`${path}.name`, input.name, (i, field) =>
            matches(i, field, stringOfLength(i, field, 2, 63), NAME_PATTERN),
          ),
    image,
    command: command || args ? [...(command ?? []), ...(args ?? [])] : null,
    workdir:
      input.workDir === undefined || input.workDir === null
        ? null
        : at(`${path}.workDir`, input.workDir, (i, field) => stringOfLength(i, field, 1, 255)),
    environment: environmentOf(input.env, `${path}.env`),
    cpu: requests.cpu ?? limits.cpu ?? DEFAULT_CPU,
    memory: requests.memory ?? limits.memory ?? DEFAULT_MEMORY_MIB,
    exposed_ports: portsOf(input.ports, `${path}.ports`),
    image_pull_policy:
      input.imagePullPolicy === undefined || input.imagePullPolicy === null
        ? defaultPullPolicy(image)
        : PULL_POLICIES[
            oneOf(input, "imagePullPolicy", ["Always", "IfNotPresent", "Never"] as const, `${path}.imagePullPolicy`)
          ],
    volume_mounts: mountsOf(input.volumeMounts, `${path}.volumeMounts`, volumeNames),
  };
}

function sizes(value: unknown, path: string): { cpu?: number; memory?: number } {
  if (value === undefined || value === null) return {};
  const input = object(value, path);
  return {
    cpu: at(`${path}.cpu`, input.cpu, (i, field) => numberInRange(i, field, 0.01, 16)),
    memory: at(`${path}.memory`, input.memory, (i, field) => memoryInRange(i, field, 4, 8192)),
  };
}

/** Zun's `env` is a map; a Kubernetes list of `{name, value}` is taken too. */
function environmentOf(value: unknown, path: string): Record<string, string> {
  const entries = Array.isArray(value)
    ? Object.fromEntries(
        value.map((item, index) => {
          const entry = object(item, `${path}[${index}]`);
          return [
            at(`${path}[${index}].name`, entry.name, (i, field) => stringOfLength(i, field, 1, 255)),
            entry.value === undefined || entry.value === null ? "" : entry.value,
          ];
        }),
      )
    : value;
  return at(path, entries, (i, field) =>
    stringMap(i, field, { pattern: /^[^=\0]+$/, says: "is not an environment variable name (no = or NUL)" }),
  );
}

function portsOf(value: unknown, path: string): Record<string, Record<string, never>> {
  if (value === undefined || value === null) return {};
  if (!Array.isArray(value)) throw new InvalidFieldError(path, "must be a list of ports");
  const ports: Record<string, Record<string, never>> = {};
  for (const [index, item] of value.entries()) {
    const port = object(item, `${path}[${index}]`);
    const number = at(`${path}[${index}].containerPort`, port.containerPort, (i, field) =>
      integerInRange(i, field, 1, 65535, { allowDigitString: true }),
    );
    if (number === undefined) throw new InvalidFieldError(`${path}[${index}].containerPort`, "is required");
    const protocol =
      port.protocol === undefined || port.protocol === null
        ? "tcp"
        : oneOf(port, "protocol", ["TCP", "UDP", "tcp", "udp"] as const, `${path}[${index}].protocol`).toLowerCase();
    ports[`${number}/${protocol}`] = {};
  }
  return ports;
}

function mountsOf(value: unknown, path: string, volumeNames: Set<string>): CapsuleContainerSpec["volume_mounts"] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new InvalidFieldError(path, "must be a list of volume mounts");
  return value.map((item, index) => {
    const mount = object(item, `${path}[${index}]`);
    const name = at(`${path}[${index}].name`, mount.name, (i, field) => stringOfLength(i, field, 1, 63));
    if (!volumeNames.has(name))
      throw new InvalidFieldError(`${path}[${index}].name`, `no volume ${name} in spec.volumes`);
    const mountPath = at(`${path}[${index}].mountPath`, mount.mountPath, (i, field) =>
      stringOfLength(i, field, 2, 255),
    );
    if (!mountPath.startsWith("/") || mountPath.split("/").includes(".."))
      throw new InvalidFieldError(`${path}[${index}].mountPath`, "must be an absolute path without ..");
    return { name, mount_path: mountPath };
  });
}

/** Each volume is a Docker named volume made for the capsule (Kubernetes' emptyDir); Cinder is not offered. */
function volumesOf(value: unknown): CapsuleSpec["volumes"] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || value.length > MAX_MEMBERS)
    throw new InvalidFieldError("spec.volumes", `must be a list of at most ${MAX_MEMBERS} volumes`);
  const names = new Set<string>();
  return value.map((item, index) => {
    const path = `spec.volumes[${index}]`;
    const volume = object(item, path);
    const name = at(`${path}.name`, volume.name, (i, field) =>
      matches(i, field, stringOfLength(i, field, 1, 63), /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/),
    );
    if (names.has(name)) throw new InvalidFieldError(`${path}.name`, `${name} is used twice`);
    names.add(name);
    for (const key of Object.keys(volume)) {
      if (key === "name" || key === "emptyDir") continue;
      throw new InvalidFieldError(
        `${path}.${key}`,
        key === "cinder"
          ? "Cinder volumes are not offered; leave it out for a volume made with the capsule"
          : "is not a volume field",
      );
    }
    return { name };
  });
}

/** Runs a field rule on one value, the error naming its path in the template. */
function at<T>(path: string, value: unknown, rule: (input: Input, field: string) => T): T {
  return rule({ [path]: value }, path);
}

function object(value: unknown, path: string): Input {
  if (typeof value !== "object" || value === null || Array.isArray(value))
    throw new InvalidFieldError(path, value === undefined ? "is required" : "must be an object");
  return value as Input;
}
