import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN_TOKEN, startBerth, type TestBerth } from "../helpers/berth.ts";
import { ensureZunclientVenv, runPython } from "./zunclient-venv.ts";

const SUITES = {
  "python-zunclient's library, every operation checked against Docker": "test/zunclient/test_zunclient.py",
  "the zun and openstack CLIs with their defaults (no version flag), logged in through Berth's Keystone endpoint":
    "test/zunclient/test_cli_defaults.py",
  "zun-tempest-plugin's container tests that need neither Neutron nor Glance, at 1.40 and at the legacy 1.19":
    "test/zunclient/test_tempest_containers.py",
  "zun-tempest-plugin's capsule tests (create, full, with a volume, with an init container), at 1.40":
    "test/zunclient/test_tempest_capsules.py",
  "zun capsule-create -f template.yaml, capsule-list, capsule-describe and capsule-delete, through the CLI":
    "test/zunclient/test_cli_capsules.py",
};

let berth: TestBerth;
beforeAll(async () => {
  await ensureZunclientVenv();
  berth = await startBerth();
}, 600_000);
afterAll(async () => {
  await berth?.stop();
});

describe("Zun's clients against Berth", () => {
  it.each(Object.entries(SUITES))(
    "%s",
    async (_title, suite) => {
      // No OS_* setting of the machine's may choose a version or a cloud for the clients.
      const environment = Object.fromEntries(
        Object.entries(process.env).filter(([name]) => !name.startsWith("OS_") && name !== "ZUN_API_VERSION"),
      );
      const result = await runPython(
        ["-m", "pytest", "-q", "-rxX", "-p", "no:cacheprovider", suite],
        { BERTH_API_URL: berth.stack.apiUrl, BERTH_TOKEN: ADMIN_TOKEN },
        environment,
      );
      expect(result.code, `pytest exited ${result.code}:\n${result.output}`).toBe(0);
    },
    400_000,
  );
});
