import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { loadServerlessConfig, PROJECT_ROOT } from "../../local/serverless-config.ts";

/** Packaging Berth with osls, offline, as a deployer would. */
export const ISSUER = "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_BerthCi";
export const APP_CLIENT = "berthciappclient";
export const SECRET_KEY_PARAMETER = "/berth-ci/sealing-key";
/** What a deployer might have in their shell: none of the dev-token settings may reach the template. */
export const STRAY_DEV_TOKENS = {
  BERTH_LOCAL_DEV_TOKENS: "1",
  BERTH_DEV_TOKENS: JSON.stringify({ "stray-dev-token": { projectId: "p", userId: "u", roles: ["admin"] } }),
};
export const DEPLOYER_ENV = {
  BERTH_JWT_ISSUER: ISSUER,
  BERTH_JWT_AUDIENCE: APP_CLIENT,
  BERTH_SECRET_KEY_PARAMETER: SECRET_KEY_PARAMETER,
  ...STRAY_DEV_TOKENS,
};

/** `serverless <command> --stage ci` with osls, offline, in an environment of only these Berth settings. */
export function serverless(command: string[], env: Record<string, string>) {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith("BERTH_")));
  return spawnSync(join(PROJECT_ROOT, "node_modules/.bin/serverless"), [...command, "--stage", "ci"], {
    cwd: PROJECT_ROOT,
    encoding: "utf8",
    env: { ...clean, AWS_ACCESS_KEY_ID: "none", AWS_SECRET_ACCESS_KEY: "none", ...env },
  });
}

/** A second packaging into a folder of its own, removed afterwards. */
export function packageElsewhere(env: Record<string, string>, options: string[] = []) {
  const folder = mkdtempSync(join(tmpdir(), "berth-package-"));
  try {
    return serverless(["package", "--package", folder, ...options], env);
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

/** Packages from a variant of serverless.yml, written beside it for the run and removed afterwards. */
export function packageWithConfig(text: string) {
  const file = join(PROJECT_ROOT, `serverless.variant-${process.pid}.yml`);
  writeFileSync(file, text);
  try {
    return packageElsewhere({ ...DEPLOYER_ENV }, ["--config", basename(file)]);
  } finally {
    rmSync(file, { force: true });
  }
}

/** Every function serverless.yml declares, as the local stack reads them. */
export function loadServerlessConfigFunctions(): Record<string, unknown> {
  const names = new Set(loadServerlessConfig("ci", "us-east-1").routes.map((route) => route.functionName));
  for (const schedule of loadServerlessConfig("ci", "us-east-1").schedules) names.add(schedule.functionName);
  for (const consumer of loadServerlessConfig("ci", "us-east-1").queueConsumers) names.add(consumer.functionName);
  for (const route of loadServerlessConfig("ci", "us-east-1").websocketRoutes) names.add(route.functionName);
  return Object.fromEntries([...names].map((name) => [name, true]));
}

/** Runs the packaged listRegistries bundle as Lambda would: only its template environment, and AWS_LAMBDA_FUNCTION_NAME. */
export function runBundledListRegistries(
  template: any,
  token: string,
  extra: Record<string, string>,
): { response: any; logs: string } {
  const unzipped = unzippedBundle("listRegistries");
  try {
    const variables = template.Resources.ListRegistriesLambdaFunction.Properties.Environment.Variables;
    const lambdaEnv = Object.fromEntries(
      Object.entries<unknown>(variables).map(([name, value]) => [
        name,
        typeof value === "string" ? value : `resolved-${name}`,
      ]),
    );
    const event = {
      rawPath: "/v1/registries",
      routeKey: "GET /v1/registries",
      headers: { "x-auth-token": token },
      requestContext: { http: { method: "GET" }, domainName: "x" },
    };
    const script =
      "const m = await import(process.argv[1]); const r = await m.list(JSON.parse(process.argv[2]), { functionName: 'listRegistries' }); console.log('RESPONSE ' + JSON.stringify(r));";
    const run = spawnSync(
      process.execPath,
      ["--input-type=module", "-e", script, join(unzipped, "functions/http/registries.mjs"), JSON.stringify(event)],
      {
        encoding: "utf8",
        timeout: 30_000,
        env: {
          PATH: process.env.PATH,
          ...lambdaEnv,
          AWS_LAMBDA_FUNCTION_NAME: "berth-ci-listRegistries",
          AWS_REGION: "us-east-1",
          AWS_ACCESS_KEY_ID: "none",
          AWS_SECRET_ACCESS_KEY: "none",
          // Nothing listens here: a token that got past authentication fails fast instead of reaching AWS.
          AWS_ENDPOINT_URL: "http://127.0.0.1:9",
          ...extra,
        },
      },
    );
    const line = run.stdout.split("\n").find((text) => text.startsWith("RESPONSE "));
    if (!line) throw new Error(`the bundled handler gave no response:\n${run.stdout}${run.stderr}`);
    return { response: JSON.parse(line.slice("RESPONSE ".length)), logs: run.stdout + run.stderr };
  } finally {
    rmSync(unzipped, { recursive: true, force: true });
  }
}

/** A function's packaged zip, unpacked into a folder of its own (the caller removes it). */
export function unzippedBundle(functionName: string): string {
  const unzipped = mkdtempSync(join(tmpdir(), "berth-unzip-"));
  execFileSync("python3", ["-m", "zipfile", "-e", join(PROJECT_ROOT, ".build", `${functionName}.zip`), unzipped]);
  return unzipped;
}
