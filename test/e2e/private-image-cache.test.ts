import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SLEEPER, TEST_IMAGE } from "../../local/test-image.ts";
import { startBerth, type TestBerth } from "../helpers/berth.ts";
import { type LocalRegistry, startLocalRegistry } from "../helpers/local-registry.ts";

/** The host's image cache is shared: a private image one project pulled must not serve another that has no access. */
const TOKENS = {
  "token-alpha": { projectId: "alpha", userId: "alice", roles: ["member"] },
  "token-beta": { projectId: "beta", userId: "bob", roles: ["member"] },
  "berth-dev-admin": { projectId: "demo", userId: "admin", roles: ["admin", "member"] },
};

let berth: TestBerth;
let registry: LocalRegistry;
let image: string;
beforeAll(async () => {
  berth = await startBerth({ callers: TOKENS });
  registry = await startLocalRegistry(berth.docker, [
    { from: TEST_IMAGE, repo: `private/cache-${berth.deployment}`, tag: "1" },
  ]);
  image = `${registry.domain}/private/cache-${berth.deployment}:1`;
  const stored = await berth.api("POST", "/v1/registries", {
    token: "token-alpha",
    body: {
      registry: { name: "alphas", domain: registry.domain, username: registry.username, password: registry.password },
    },
  });
  expect(stored.status).toBe(201);
}, 120_000);
afterAll(async () => {
  await berth?.stop();
  await registry?.stop();
  await berth?.docker
    .getImage(image)
    .remove({ force: true })
    .catch(() => undefined);
});

async function run(token: string, policy: string) {
  const created = await berth.api("POST", "/v1/containers?run=true", {
    token,
    body: { image, image_pull_policy: policy, command: SLEEPER, cpu: 0.1, memory: 16 },
  });
  expect(created.status, JSON.stringify(created.body)).toBe(202);
  return berth.waitForContainer(
    created.body.uuid,
    (c) => c.status === "Running" || c.status === "Error",
    30_000,
    token,
  );
}

describe("a privately pulled image on a shared host", () => {
  it("serves the project whose credentials pulled it, and no project without access", async () => {
    expect((await run("token-alpha", "always")).status).toBe("Running");
    expect((await run("token-alpha", "ifnotpresent")).status).toBe("Running");

    const beta = await run("token-beta", "ifnotpresent");
    expect(beta.status).toBe("Error");
    expect(beta.status_reason).toMatch(
      /could not be pulled \(image_pull_policy ifnotpresent\): the registry refused access/,
    );
    const never = await run("token-beta", "never");
    expect(never.status).toBe("Error");
    expect(never.status_reason).toMatch(/pulled on this host with another project's credentials/);
  });

  it("serves another project once its own credentials have pulled it", async () => {
    const stored = await berth.api("POST", "/v1/registries", {
      token: "token-beta",
      body: {
        registry: { name: "betas", domain: registry.domain, username: registry.username, password: registry.password },
      },
    });
    expect(stored.status).toBe(201);
    expect((await run("token-beta", "ifnotpresent")).status).toBe("Running");
    expect((await run("token-beta", "never")).status).toBe("Running");
  });
});
