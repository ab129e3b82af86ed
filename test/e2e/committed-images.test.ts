import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SLEEPER, TEST_IMAGE } from "../../local/test-image.ts";
import { startBerth, type TestBerth } from "../helpers/berth.ts";

/** Two projects on one host: what one commits must never become what the other runs. */
const TOKENS = {
  "token-a": { projectId: "alpha", userId: "alice", roles: ["member"] },
  "token-b": { projectId: "beta", userId: "bob", roles: ["member"] },
  "berth-dev-admin": { projectId: "demo", userId: "admin", roles: ["admin", "member"] },
};

/** The image the victim runs: a tag of its own, so a failing run of this test cannot poison the suite's image. */
const VICTIM_REPO = "berth-test/victim";
const VICTIM_IMAGE = `${VICTIM_REPO}:1`;

let berth: TestBerth;
const made: string[] = [VICTIM_IMAGE];
beforeAll(async () => {
  berth = await startBerth({ callers: TOKENS });
  await berth.docker.getImage(TEST_IMAGE).tag({ repo: VICTIM_REPO, tag: "1" });
});
afterAll(async () => {
  await berth?.stop();
  for (const image of made)
    await berth.docker
      .getImage(image)
      .remove({ force: true })
      .catch(() => undefined);
});

async function running(name: string, token: string, image = TEST_IMAGE) {
  const created = await berth.api("POST", "/v1/containers?run=true", {
    body: { name, image, command: SLEEPER, cpu: 0.1, memory: 32 },
    token,
  });
  expect(created.status, JSON.stringify(created.body)).toBe(202);
  return berth.waitForContainer(
    created.body.uuid,
    (container) => container.status === "Running" || container.status === "Error",
    20_000,
    token,
  );
}

describe("commit", () => {
  it("puts the image in the committing project's namespace, so it cannot replace a tag another project runs", async () => {
    const attacker = await running("attacker", "token-a");
    expect(attacker.status).toBe("Running");
    await berth.api("POST", "/v1/containers/attacker/execute?command=touch%20/poisoned&run=true", { token: "token-a" });
    const imageBefore = (await berth.docker.getImage(VICTIM_IMAGE).inspect()).Id;

    const committed = await berth.api("POST", `/v1/containers/attacker/commit?repository=${VICTIM_REPO}&tag=1`, {
      token: "token-a",
    });
    made.push(`berth.local/alpha/${VICTIM_IMAGE}`);
    expect(committed.status, JSON.stringify(committed.body)).toBe(202);
    expect(committed.body.repository).toBe(`berth.local/alpha/${VICTIM_REPO}`);

    expect((await berth.docker.getImage(VICTIM_IMAGE).inspect()).Id).toBe(imageBefore);
    const inspected = await berth.docker.getImage(committed.body.uuid).inspect();
    expect(inspected.RepoTags).toEqual([`berth.local/alpha/${VICTIM_IMAGE}`]);
    expect(inspected.Config.Labels["berth.project"]).toBe("alpha");

    // The victim's next container runs the real image.
    const victim = await running("victim", "token-b", VICTIM_IMAGE);
    const listed = await berth.api("POST", "/v1/containers/victim/execute?command=ls%20/poisoned&run=true", {
      token: "token-b",
    });
    expect(victim.status).toBe("Running");
    expect(listed.body.exit_code).not.toBe(0);
  });

  it("its own project runs the committed image; another project may not name it", async () => {
    const own = await running("from-commit", "token-a", `berth.local/alpha/${VICTIM_IMAGE}`);
    expect(own.status, own.status_reason).toBe("Running");
    const seen = await berth.api("POST", "/v1/containers/from-commit/execute?command=ls%20/poisoned&run=true", {
      token: "token-a",
    });
    expect(seen.body.exit_code).toBe(0);

    const other = await berth.api("POST", "/v1/containers", {
      body: { image: `berth.local/alpha/${VICTIM_IMAGE}` },
      token: "token-b",
    });
    expect(other.status).toBe(400);
    expect(other.body.errors[0].detail).toContain("image");
    await running("beta-box", "token-b");
    const rebuilt = await berth.api("POST", "/v1/containers/beta-box/rebuild?image=berth.local/alpha/${VICTIM_IMAGE}", {
      token: "token-b",
    });
    expect(rebuilt.status).toBe(400);
  });
});
