import { describe, expect, it } from "vitest";
import { type AnyHostMessage, onHostMessage } from "../../../shared/queue/host-messages.ts";
import { MalformedHostMessageError, parseHostMessage } from "../../../shared/queue/parse-host-message.ts";

/** One message of every kind, as the functions and the reconciler send them. */
const SAMPLES: AnyHostMessage[] = [
  { kind: "create", container_uuid: "c1", generation: 1, request_id: "r1", run: true },
  { kind: "stop", container_uuid: "c1", generation: 2, request_id: "r2", timeout: 10 },
  { kind: "delete", container_uuid: "c1", generation: 3, request_id: "r3", stop: true },
  { kind: "query", query: "logs", container_uuid: "c1", request_id: "r4", params: {}, answer_by: 1 },
  { kind: "delete_volume", volume_uuid: "v1", request_id: "r5" },
  { kind: "pull_image", image_uuid: "i1", request_id: "r6" },
  { kind: "delete_image", image_uuid: "i1", request_id: "r7" },
  {
    kind: "open_session",
    session_id: "s1",
    request_id: "r8",
    container_uuid: "c1",
    agent_url: "ws://x",
    idle_seconds: 60,
    end_by: 2,
  },
  { kind: "create_capsule", capsule_uuid: "k1", generation: 1, request_id: "r9" },
];

const familyOf = (message: AnyHostMessage) =>
  onHostMessage(message, {
    container: () => "container",
    query: () => "query",
    volume: () => "volume",
    image: () => "image",
    session: () => "session",
    capsule: () => "capsule",
  });

describe("host messages", () => {
  it("reach the handler of their family, each kind", () => {
    expect(SAMPLES.map(familyOf)).toEqual([
      "container",
      "container",
      "container",
      "query",
      "volume",
      "image",
      "image",
      "session",
      "capsule",
    ]);
  });

  it.each(SAMPLES.map((message) => [message.kind, message] as const))("%s reads back as sent", (_kind, message) => {
    expect(parseHostMessage(JSON.stringify(message))).toEqual(message);
  });

  it.each([
    ["not JSON", "{", /not JSON/],
    ["no body", undefined, /not JSON/],
    ["an array", "[]", /not an object/],
    ["an unknown kind", JSON.stringify({ kind: "format_disk", request_id: "r" }), /unknown kind "format_disk"/],
    ["no kind", JSON.stringify({ request_id: "r" }), /unknown kind undefined/],
    ["an inherited kind", JSON.stringify({ kind: "toString", request_id: "r" }), /unknown kind/],
    [
      "a create without its generation",
      JSON.stringify({ kind: "create", container_uuid: "c", request_id: "r" }),
      /create needs generation/,
    ],
    ["a query without request id", JSON.stringify({ ...SAMPLES[3], request_id: undefined }), /needs request_id/],
    ["a query whose params are null", JSON.stringify({ ...SAMPLES[3], params: null }), /query needs params/],
  ])("refuses %s, saying why", (_case, body, reason) => {
    expect(() => parseHostMessage(body)).toThrow(MalformedHostMessageError);
    expect(() => parseHostMessage(body)).toThrow(reason);
  });
});
