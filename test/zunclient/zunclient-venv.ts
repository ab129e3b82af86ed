import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { PROJECT_ROOT } from "../../local/serverless-config.ts";

/** python-zunclient and python-openstackclient, unchanged, in a venv of their own (kept across runs under the ignored .berth/). */
const VENV = join(PROJECT_ROOT, ".berth", "zunclient-venv");
const PYTHON = join(VENV, "bin", "python");
const REQUIREMENTS = join(PROJECT_ROOT, "test", "zunclient", "requirements.txt");
/** What the venv was last installed from; a venv whose marker matches requirements.txt is reused as it is. */
const MARKER = join(VENV, "berth-installed-requirements.txt");

export interface Run {
  code: number | null;
  output: string;
}

export function run(command: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: PROJECT_ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, output }));
  });
}

/** Runs the venv's python with `extra` on top of `base` (this process's environment by default). */
export function runPython(
  args: string[],
  extra: Record<string, string>,
  base: NodeJS.ProcessEnv = process.env,
): Promise<Run> {
  return run(PYTHON, args, { ...base, PYTHONDONTWRITEBYTECODE: "1", ...extra });
}

export async function ensureZunclientVenv(): Promise<void> {
  const requirements = readFileSync(REQUIREMENTS, "utf8");
  if (existsSync(PYTHON) && existsSync(MARKER) && readFileSync(MARKER, "utf8") === requirements) return;
  mkdirSync(join(PROJECT_ROOT, ".berth"), { recursive: true });
  const created = await run("python3", ["-m", "venv", VENV]);
  if (created.code !== 0) throw new Error(`python3 -m venv ${VENV} failed (${created.code}):\n${created.output}`);
  const installed = await run(PYTHON, [
    "-m",
    "pip",
    "install",
    "--disable-pip-version-check",
    "-q",
    "-r",
    REQUIREMENTS,
  ]);
  if (installed.code !== 0)
    throw new Error(`pip install -r ${REQUIREMENTS} failed (${installed.code}):\n${installed.output}`);
  writeFileSync(MARKER, requirements);
}
