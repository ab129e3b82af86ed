import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN_TOKEN, startBerth, type TestBerth } from "../helpers/berth.ts";
import { ensureZunclientVenv, runPython } from "./zunclient-venv.ts";

const SUITE = "test/zunclient/test_zunclient.py";

let berth: TestBerth;
beforeAll(async () => {
  await ensureZunclientVenv();
  berth = await startBerth();
}, 600_000);
afterAll(async () => {
  await berth?.stop();
});

describe("python-zunclient against Berth", () => {
  it("runs the pytest suite, every operation checked against Docker", async () => {
    const result = await runPython(["-m", "pytest", "-q", "-rxX", "-p", "no:cacheprovider", SUITE], { BERTH_API_URL: berth.stack.apiUrl, BERTH_TOKEN: ADMIN_TOKEN });
    expect(result.code, `pytest exited ${result.code}:\n${result.output}`).toBe(0);
  }, 300_000);
});
