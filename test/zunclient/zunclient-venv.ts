import { join } from "node:path";
import { PROJECT_ROOT } from "../../local/serverless-config.ts";
import { ensurePythonVenv, type Run, run } from "../helpers/python-venv.ts";

export { type Run, run };

/** python-zunclient and python-openstackclient, unchanged, in a venv of their own (kept across runs under the ignored .berth/). */
const VENV = join(PROJECT_ROOT, ".berth", "zunclient-venv");
const PYTHON = join(VENV, "bin", "python");
const REQUIREMENTS = join(PROJECT_ROOT, "test", "zunclient", "requirements.txt");

/** Runs the venv's python with `extra` on top of `base` (this process's environment by default). */
export function runPython(
  args: string[],
  extra: Record<string, string>,
  base: NodeJS.ProcessEnv = process.env,
): Promise<Run> {
  return run(PYTHON, args, { ...base, PYTHONDONTWRITEBYTECODE: "1", ...extra });
}

export async function ensureZunclientVenv(): Promise<void> {
  await ensurePythonVenv("zunclient-venv", REQUIREMENTS);
}
