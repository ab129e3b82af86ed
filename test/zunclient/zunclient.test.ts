import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PROJECT_ROOT } from "../../local/serverless-config.ts";
import { ADMIN_TOKEN, startBerth, type TestBerth } from "../helpers/berth.ts";

/** python-zunclient and python-openstackclient, unchanged, in a venv of its own (kept across runs under the ignored .berth/). */
const VENV = join(PROJECT_ROOT, ".berth", "zunclient-venv");
const PYTHON = join(VENV, "bin", "python");
const REQUIREMENTS = join(PROJECT_ROOT, "test", "zunclient", "requirements.txt");
/** What the venv was last installed from; a venv whose marker matches requirements.txt is reused as it is. */
const MARKER = join(VENV, "berth-installed-requirements.txt");
const SUITES = {
  "python-zunclient's library, every operation checked against Docker": "test/zunclient/test_zunclient.py",
  "the zun and openstack CLIs with their defaults (no version flag), logged in through Berth's Keystone endpoint": "test/zunclient/test_cli_defaults.py",
  "zun-tempest-plugin's container tests that need neither Neutron nor Glance, at 1.40 and at the legacy 1.19": "test/zunclient/test_tempest_containers.py",
};

interface Run {
  code: number | null;
  output: string;
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: PROJECT_ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, output }));
  });
}

async function ensureVenv(): Promise<void> {
  const requirements = readFileSync(REQUIREMENTS, "utf8");
  if (existsSync(PYTHON) && existsSync(MARKER) && readFileSync(MARKER, "utf8") === requirements) return;
  mkdirSync(join(PROJECT_ROOT, ".berth"), { recursive: true });
  const created = await run("python3", ["-m", "venv", VENV]);
  if (created.code !== 0) throw new Error(`python3 -m venv ${VENV} failed (${created.code}):\n${created.output}`);
  const installed = await run(PYTHON, ["-m", "pip", "install", "--disable-pip-version-check", "-q", "-r", REQUIREMENTS]);
  if (installed.code !== 0) throw new Error(`pip install -r ${REQUIREMENTS} failed (${installed.code}):\n${installed.output}`);
  writeFileSync(MARKER, requirements);
}

let berth: TestBerth;
beforeAll(async () => {
  await ensureVenv();
  berth = await startBerth();
}, 600_000);
afterAll(async () => {
  await berth?.stop();
});

describe("Zun's clients against Berth", () => {
  it.each(Object.entries(SUITES))("%s", async (_title, suite) => {
    const environment = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith("OS_") && name !== "ZUN_API_VERSION"));
    const result = await run(PYTHON, ["-m", "pytest", "-q", "-rxX", "-p", "no:cacheprovider", suite], {
      ...environment,
      BERTH_API_URL: berth.stack.apiUrl,
      BERTH_TOKEN: ADMIN_TOKEN,
      PYTHONDONTWRITEBYTECODE: "1",
    });
    expect(result.code, `pytest exited ${result.code}:\n${result.output}`).toBe(0);
  }, 400_000);
});
