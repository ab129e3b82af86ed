import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { PROJECT_ROOT } from "../../local/serverless-config.ts";
import { APP_CLIENT, DEPLOYER_ENV, packageElsewhere, packageWithConfig } from "../helpers/serverless-package.ts";

/** What `serverless package` refuses before it builds anything, and how it says so. */
describe("serverless package refuses (osls, offline)", () => {
  it("refuses to package a function that lists no permissions, or an unknown one, naming it", () => {
    const config = readFileSync(join(PROJECT_ROOT, "serverless.yml"), "utf8");
    const withoutPermissions = config.replace(
      /(\n {2}listHosts:\n {4}handler: [^\n]+\n) {4}permissions: [^\n]+\n/,
      "$1",
    );
    const unknownGrant = config.replace(
      /(\n {2}showHost:\n {4}handler: [^\n]+\n {4}permissions: \[)/,
      "$1readsEverythingEverywhere, ",
    );
    expect(withoutPermissions).not.toBe(config);
    expect(unknownGrant).not.toBe(config);
    const missing = packageWithConfig(withoutPermissions);
    expect(missing.status).not.toBe(0);
    expect(missing.stdout + missing.stderr).toMatch(/function listHosts has no `permissions:`/);
    const unknown = packageWithConfig(unknownGrant);
    expect(unknown.status).not.toBe(0);
    expect(unknown.stdout + unknown.stderr).toMatch(/function showHost asks for readsEverythingEverywhere/);
  }, 120_000);

  it("refuses to package a stage without an identity provider, saying what to set", () => {
    const refused = packageElsewhere({ BERTH_JWT_AUDIENCE: APP_CLIENT });
    expect(refused.status).not.toBe(0);
    expect(refused.stdout + refused.stderr).toMatch(
      /identity provider.*BERTH_JWT_ISSUER.*BERTH_IDENTITY_PROVIDER=cognito/s,
    );
  }, 120_000);

  it("refuses to package with the sealing key itself, from the shell or in a function's environment", () => {
    const key = "c2VhbGluZy1rZXktb2YtdGhpcnR5LXR3by1ieXRlcyE=";
    const fromShell = packageElsewhere({ ...DEPLOYER_ENV, BERTH_SECRET_KEY: key });
    expect(fromShell.status).not.toBe(0);
    expect(fromShell.stdout + fromShell.stderr).toMatch(/BERTH_SECRET_KEY is set.*BERTH_SECRET_KEY_PARAMETER/s);
    expect(fromShell.stdout + fromShell.stderr).not.toContain(key);
    const config = readFileSync(join(PROJECT_ROOT, "serverless.yml"), "utf8");
    const inFunction = config.replace(
      /(\n {2}listHosts:\n {4}handler: [^\n]+\n)/,
      `$1    environment:\n      BERTH_SECRET_KEY: "${key}"\n`,
    );
    expect(inFunction).not.toBe(config);
    const refused = packageWithConfig(inFunction);
    expect(refused.status).not.toBe(0);
    expect(refused.stdout + refused.stderr).toMatch(/function listHosts sets BERTH_SECRET_KEY/);
    expect(refused.stdout + refused.stderr).not.toContain(key);
    const unnamed = packageElsewhere({ ...DEPLOYER_ENV, BERTH_SECRET_KEY_PARAMETER: "sealing-key" });
    expect(unnamed.status).not.toBe(0);
    expect(unnamed.stdout + unnamed.stderr).toMatch(
      /BERTH_SECRET_KEY_PARAMETER must name an SSM parameter by its full path/,
    );
  }, 120_000);
});
