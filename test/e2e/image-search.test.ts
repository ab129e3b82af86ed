import { request } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SLEEPER, TEST_IMAGE } from "../../local/test-image.ts";
import { startBerth, type TestBerth } from "../helpers/berth.ts";

const TOKENS = {
  "berth-dev-admin": { projectId: "demo", userId: "admin", roles: ["admin", "member"] },
  "demo-member": { projectId: "demo", userId: "mia", roles: ["member"] },
  "other-member": { projectId: "other", userId: "olga", roles: ["member"] },
};
const [TEST_REPO, TEST_TAG] = TEST_IMAGE.split(":") as [string, string];

let berth: TestBerth;
beforeAll(async () => {
  berth = await startBerth({ callers: TOKENS });
});
afterAll(async () => {
  await berth?.stop();
});

/** What python-zunclient sends for `zun image-search`: a GET whose body is the JSON `null` (fetch cannot send one). */
function search(term: string, token: string): Promise<{ status: number; body: any }> {
  const url = new URL(`${berth.stack.apiUrl}/v1/images/${encodeURIComponent(term)}/search?exact_match=true`);
  const headers = {
    "x-auth-token": token,
    "content-type": "application/json",
    "content-length": "4",
    "openstack-api-version": "container 1.40",
  };
  return new Promise((resolve, reject) => {
    const sent = request(url, { method: "GET", headers }, (response) => {
      let text = "";
      response.on("data", (chunk: Buffer) => (text += chunk.toString("utf8")));
      response.on("end", () => resolve({ status: response.statusCode ?? 0, body: JSON.parse(text) }));
    });
    sent.on("error", reject);
    sent.end("null");
  });
}

describe("image search", () => {
  // Zun's policy for image:search is admin_or_owner: any member of a project may search.
  it("takes the client's null body and answers members, as Zun's admin_or_owner policy does", async () => {
    for (const token of ["berth-dev-admin", "demo-member"]) {
      const found = await search(TEST_REPO, token);
      expect(found.status, `${token}: ${JSON.stringify(found.body)}`).toBe(200);
      expect(found.body.images).toContainEqual(expect.objectContaining({ name: TEST_REPO, tag: TEST_TAG }));
    }
  });

  it("shows a member no other project's committed images", async () => {
    const created = await berth.api("POST", "/v1/containers?run=true", {
      body: { name: "to-commit", image: TEST_IMAGE, command: SLEEPER },
    });
    await berth.waitForContainer(created.body.uuid, (container) => container.status === "Running");
    const committed = await berth.api(
      "POST",
      `/v1/containers/to-commit/commit?repository=search-${berth.deployment}&tag=v1`,
    );
    expect(committed.status, JSON.stringify(committed.body)).toBe(202);
    try {
      const repository = committed.body.repository as string;
      const deadline = Date.now() + 20_000;
      while ((await search(repository, "demo-member")).body.images?.length !== 1 && Date.now() < deadline)
        await new Promise((resolve) => setTimeout(resolve, 200));
      expect((await search(repository, "demo-member")).body.images).toEqual([
        expect.objectContaining({ name: repository, tag: "v1" }),
      ]);
      const stranger = await search(repository, "other-member");
      expect(stranger.status).toBe(200);
      expect(stranger.body.images).toEqual([]);
    } finally {
      await berth.docker
        .getImage(committed.body.uuid)
        .remove({ force: true })
        .catch(() => undefined);
    }
  });
});
