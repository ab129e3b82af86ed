import { build } from "esbuild";
import { PROJECT_ROOT } from "./serverless-config.ts";

/**
 * Bundles the host agent's own sources into one ES module (its packages stay
 * in node_modules), so each agent the stack spawns starts on plain Node: the
 * TypeScript loader cost a restarted agent seconds on a busy machine before
 * it could take back its work. Built once per stack; `outfile` must lie
 * inside the project, where the packages resolve.
 */
export async function bundleHostAgent(outfile: string): Promise<string> {
  await build({
    entryPoints: [`${PROJECT_ROOT}agents/host-agent/main.ts`],
    outfile,
    bundle: true,
    packages: "external",
    platform: "node",
    format: "esm",
    target: "node20",
    sourcemap: true,
    logLevel: "error",
  });
  return outfile;
}
