import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SLEEPER, TEST_IMAGE } from "../../local/test-image.ts";
import { MEMBER_TOKEN, startBerth, type TestBerth } from "../helpers/berth.ts";

/** What one member's questions to a host may cost it: bounded bytes, bounded time, never every slot for good. */
let berth: TestBerth;
beforeAll(async () => {
  berth = await startBerth({ environment: { BERTH_HOST_ANSWER_SECONDS: "8" } });
  for (const name of ["chatty", "victim", "neighbour"]) {
    const created = await berth.api("POST", "/v1/containers?run=true", {
      body: { name, image: TEST_IMAGE, command: SLEEPER, cpu: 0.1, memory: 64 },
      token: MEMBER_TOKEN,
    });
    await berth.waitForContainer(
      created.body.uuid,
      (container) => container.status === "Running",
      20_000,
      MEMBER_TOKEN,
    );
  }
});
afterAll(async () => {
  await berth?.stop();
});

describe("host queries are bounded", () => {
  it("an execute's output is capped while it streams, and says it was cut", async () => {
    // 20 MB of output.
    const response = await berth.api("POST", "/v1/containers/chatty/execute?run=true", {
      body: {
        command:
          "sh -c 'yes 0123456789abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwxyz | head -c 20000000'",
      },
      token: MEMBER_TOKEN,
    });
    expect(response.status, JSON.stringify(response.body).slice(0, 300)).toBe(200);
    expect(response.body.output.length).toBeLessThanOrEqual(256 * 1024 + 200);
    expect(response.body.output).toMatch(/output cut at 256 KiB/);
  });

  it("an archive too large for one answer is a 413, without reading it whole", async () => {
    const made = await berth.api("POST", "/v1/containers/chatty/execute?run=true", {
      body: { command: "sh -c 'head -c 20000000 /dev/urandom > /big; ls -l /big'" },
      token: MEMBER_TOKEN,
    });
    expect(made.body.output, JSON.stringify(made.body)).toContain("20000000");
    const response = await berth.api("GET", "/v1/containers/chatty/get_archive?path=/big", { token: MEMBER_TOKEN });
    expect(response.status).toBe(413);
    expect(response.body.errors[0].detail).toMatch(/archive of \/big is over 192 KiB/);
  });

  it("endless executes are abandoned at their deadline: they cannot hold every slot of the host", async () => {
    const endless = Array.from({ length: 10 }, () =>
      berth.api("POST", "/v1/containers/chatty/execute?run=true", {
        body: { command: "sleep 3600" },
        token: MEMBER_TOKEN,
      }),
    );
    const answers = await Promise.all(endless);
    // Each is let go at its deadline (504), or refused at once past the project's share of the host (429).
    for (const answer of answers) expect([504, 429]).toContain(answer.status);
    expect(answers.filter((answer) => answer.status === 429).length).toBeGreaterThan(0);
    const started = Date.now();
    expect((await berth.api("POST", "/v1/containers/victim/stop?timeout=1", { token: MEMBER_TOKEN })).status).toBe(202);
    await berth.waitForContainer(
      "victim",
      (container) => container.status === "Stopped" && !container.task_state,
      15_000,
      MEMBER_TOKEN,
    );
    console.log(`a stop behind 10 endless executes settled in ${Date.now() - started} ms`);
  });

  it("a member's questions never take the slots lifecycle work runs in", async () => {
    // Ten endless executes in flight, each held until its answer is due (8 s)…
    const endless = Array.from({ length: 10 }, () =>
      berth.api("POST", "/v1/containers/chatty/execute?run=true", {
        body: { command: "sleep 3600" },
        token: MEMBER_TOKEN,
      }),
    );
    await new Promise((resolve) => setTimeout(resolve, 1000));
    // …and meanwhile another container's stop settles at once, not after them.
    const started = Date.now();
    expect((await berth.api("POST", "/v1/containers/neighbour/stop?timeout=1", { token: MEMBER_TOKEN })).status).toBe(
      202,
    );
    await berth.waitForContainer(
      "neighbour",
      (container) => container.status === "Stopped" && !container.task_state,
      15_000,
      MEMBER_TOKEN,
    );
    const settledAt = Date.now();
    console.log(`a stop beside 10 endless executes settled in ${settledAt - started} ms`);
    const answers = await Promise.all(endless);
    // The stop did not wait for any of them: it settled before their answers were due.
    expect(settledAt).toBeLessThan(Date.now() - 1000);
    for (const answer of answers) expect([504, 429]).toContain(answer.status);
  });
});
