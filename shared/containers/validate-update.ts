import { BadRequestError, InvalidFieldError } from "../errors.ts";
import { booleanField, matches, memoryInRange, numberInRange, stringOfLength } from "./field-rules.ts";
import { NAME_PATTERN } from "./validate-create.ts";

/** What PATCH /v1/containers/{id} (and rename, resize_container) may change. */
export interface ContainerUpdate {
  cpu?: number;
  memory?: number;
  name?: string;
  auto_heal?: boolean;
}

const UPDATABLE = ["cpu", "memory", "name", "auto_heal"];

export function validateUpdateBody(body: unknown, allowed: readonly string[] = UPDATABLE): ContainerUpdate {
  if (body === undefined) throw new BadRequestError(`Nothing to update: send one of ${allowed.join(", ")}.`);
  const input = body as Record<string, unknown>;
  for (const field of Object.keys(input)) {
    if (!allowed.includes(field))
      throw new InvalidFieldError(field, `cannot be updated (updatable: ${allowed.join(", ")})`);
  }
  const update: ContainerUpdate = {};
  const cpu = numberInRange(input, "cpu", 0.1, 16.0);
  if (cpu !== undefined) update.cpu = cpu;
  const memory = memoryInRange(input, "memory", 4, 8192);
  if (memory !== undefined) update.memory = memory;
  if (input.name !== undefined && input.name !== null)
    update.name = matches(input, "name", stringOfLength(input, "name", 2, 255), NAME_PATTERN);
  const autoHeal = booleanField(input, "auto_heal");
  if (autoHeal !== undefined) update.auto_heal = autoHeal;
  if (Object.keys(update).length === 0)
    throw new BadRequestError(`Nothing to update: send one of ${allowed.join(", ")}.`);
  return update;
}
