import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN_TOKEN, startBerth, type TestBerth } from "../helpers/berth.ts";
import { ensureZunclientVenv, runPython } from "./zunclient-venv.ts";

let berth: TestBerth;
beforeAll(async () => {
  await ensureZunclientVenv();
  berth = await startBerth();
}, 600_000);
afterAll(async () => {
  await berth?.stop();
});

describe("interactive sessions through python-zunclient in a pty", () => {
  it("runs exec -i, run -i and attach (with resize) as a user at a terminal would", async () => {
    const result = await runPython(
      ["-m", "pytest", "-q", "-rxX", "-p", "no:cacheprovider", "test/zunclient/test_interactive.py"],
      {
        BERTH_API_URL: berth.stack.apiUrl,
        BERTH_TOKEN: ADMIN_TOKEN,
        PYTHONPATH: "test/zunclient",
      },
    );
    expect(result.code, `pytest exited ${result.code}:\n${result.output}`).toBe(0);
  }, 300_000);
});
