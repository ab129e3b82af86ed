import type { AnyHostMessage } from "./host-messages.ts";

/** A queue message that is not a host message Berth sends: not JSON, an unknown kind, or a field missing. */
export class MalformedHostMessageError extends Error {
  constructor(reason: string) {
    super(`not a Berth host message: ${reason}`);
    this.name = "MalformedHostMessageError";
  }
}

type FieldType = "string" | "number" | "object";

/** The fields each kind cannot do without, as `sendToHost`'s callers write them. */
const CONTAINER_WORK: Record<string, FieldType> = { container_uuid: "string", generation: "number" };
const REQUIRED: Record<AnyHostMessage["kind"], Record<string, FieldType>> = {
  create: CONTAINER_WORK,
  start: CONTAINER_WORK,
  stop: CONTAINER_WORK,
  delete: CONTAINER_WORK,
  reboot: CONTAINER_WORK,
  pause: CONTAINER_WORK,
  unpause: CONTAINER_WORK,
  kill: CONTAINER_WORK,
  rebuild: CONTAINER_WORK,
  update: CONTAINER_WORK,
  query: { query: "string", container_uuid: "string", params: "object", answer_by: "number" },
  delete_volume: { volume_uuid: "string" },
  pull_image: { image_uuid: "string" },
  delete_image: { image_uuid: "string" },
  open_session: { session_id: "string", container_uuid: "string", agent_url: "string", end_by: "number" },
  create_capsule: { capsule_uuid: "string", generation: "number" },
  delete_capsule: { capsule_uuid: "string", generation: "number" },
};

/** Reads a host message where it arrives (the agent's poller, the dead-letter consumer), or says why it is none. */
export function parseHostMessage(body: string | undefined): AnyHostMessage {
  let value: unknown;
  try {
    value = JSON.parse(body ?? "");
  } catch {
    throw new MalformedHostMessageError("the body is not JSON");
  }
  if (typeof value !== "object" || value === null || Array.isArray(value))
    throw new MalformedHostMessageError("the body is not an object");
  const message = value as Record<string, unknown>;
  const kind = message.kind;
  if (typeof kind !== "string" || !Object.hasOwn(REQUIRED, kind))
    throw new MalformedHostMessageError(`unknown kind ${JSON.stringify(kind)}`);
  const fields = { request_id: "string", ...REQUIRED[kind as AnyHostMessage["kind"]] };
  for (const [field, type] of Object.entries(fields)) {
    const present = message[field];
    const matches = type === "object" ? typeof present === "object" && present !== null : typeof present === type;
    if (!matches) throw new MalformedHostMessageError(`${kind} needs ${field} (${type})`);
  }
  return message as unknown as AnyHostMessage;
}
