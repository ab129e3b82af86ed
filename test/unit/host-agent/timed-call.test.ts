import { describe, expect, it } from "vitest";
import { DockerOperationError } from "../../../agents/host-agent/docker/docker-errors.ts";
import { timedCall } from "../../../agents/host-agent/docker/timed-call.ts";

const failing = (error: object) => () => Promise.reject(Object.assign(new Error("docker said no"), error));

describe("a Docker call", () => {
  it("fails as a timeout, retriable, when Docker does not answer in time", async () => {
    const error = await timedCall("start x", () => new Promise<never>(() => undefined), 20).catch(
      (caught: DockerOperationError) => caught,
    );
    expect(error).toBeInstanceOf(DockerOperationError);
    expect(error).toMatchObject({ kind: "timeout", retriable: true });
    expect(error.message).toMatch(/^start x: no answer from Docker/);
  });

  it("names Docker's refusals by kind, with Docker's own message", async () => {
    const kindOf = (error: object) => timedCall("op", failing(error)).catch((caught: DockerOperationError) => caught);
    expect(await kindOf({ statusCode: 404, json: { message: "No such container: x" } })).toMatchObject({
      kind: "not_found",
      message: "op: No such container: x",
      retriable: false,
    });
    expect(await kindOf({ statusCode: 409 })).toMatchObject({ kind: "conflict" });
    expect(await kindOf({ statusCode: 400 })).toMatchObject({ kind: "rejected" });
    expect(await kindOf({ code: "ECONNREFUSED" })).toMatchObject({ kind: "unavailable", retriable: true });
  });

  it("takes the answers it is told are not failures (304: already started) as success", async () => {
    await expect(timedCall("start x", failing({ statusCode: 304 }), 1000, [304])).resolves.toBeUndefined();
  });
});
