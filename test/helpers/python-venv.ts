import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { PROJECT_ROOT } from "../../local/serverless-config.ts";

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

/**
 * A venv under the ignored `.berth/` with the pinned `requirements` installed from PyPI, kept across runs:
 * one whose marker matches the requirements file is reused as it is. Returns the venv's folder.
 */
export async function ensurePythonVenv(name: string, requirements: string): Promise<string> {
  const venv = join(PROJECT_ROOT, ".berth", name);
  const python = join(venv, "bin", "python");
  const marker = join(venv, "berth-installed-requirements.txt");
  const wanted = readFileSync(requirements, "utf8");
  if (existsSync(python) && existsSync(marker) && readFileSync(marker, "utf8") === wanted) return venv;
  mkdirSync(join(PROJECT_ROOT, ".berth"), { recursive: true });
  const created = await run("python3", ["-m", "venv", venv]);
  if (created.code !== 0) throw new Error(`python3 -m venv ${venv} failed (${created.code}):\n${created.output}`);
  const installed = await run(python, [
    "-m",
    "pip",
    "install",
    "--disable-pip-version-check",
    "-q",
    "-r",
    requirements,
  ]);
  if (installed.code !== 0)
    throw new Error(`pip install -r ${requirements} failed (${installed.code}):\n${installed.output}`);
  writeFileSync(marker, wanted);
  return venv;
}
