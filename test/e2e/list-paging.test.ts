import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { containerListingOf } from "../../functions/http/containers/list-parameters.ts";
import { TEST_IMAGE } from "../../local/test-image.ts";
import { readConfig } from "../../shared/config.ts";
import { listContainers } from "../../shared/containers/list-containers.ts";
import { meteredDocumentClient, ReadMeter } from "../../shared/store/read-meter.ts";
import { storesFor } from "../../shared/store/stores.ts";
import { startBerth, type TestBerth } from "../helpers/berth.ts";

/** Lists read one page of the table, not a whole project, and page the way Zun does. */
const COUNT = 25;
let berth: TestBerth;
const created: string[] = [];
beforeAll(async () => {
  berth = await startBerth();
  // No host is in zone "nowhere": each is recorded as Error at once, with no Docker work.
  for (let index = 0; index < COUNT; index++) {
    const response = await berth.api("POST", "/v1/containers", {
      body: { name: `paged-${String(index).padStart(2, "0")}`, image: TEST_IMAGE, availability_zone: "nowhere" },
    });
    expect(response.status).toBe(202);
    created.push(response.body.uuid);
  }
}, 120_000);
afterAll(async () => {
  await berth?.stop();
});

async function walk(query: string): Promise<string[]> {
  const seen: string[] = [];
  let path: string | null = `/v1/containers?${query}`;
  while (path) {
    const response = await berth.api("GET", path);
    expect(response.status).toBe(200);
    seen.push(...response.body.containers.map((container: { uuid: string }) => container.uuid));
    path = response.body.next ? new URL(response.body.next).pathname + new URL(response.body.next).search : null;
  }
  return seen;
}

describe("listing containers", () => {
  it("pages in creation order with limit and marker, forwards and backwards", async () => {
    expect(await walk("limit=10")).toEqual(created);
    expect(await walk("limit=7&sort_dir=desc")).toEqual([...created].reverse());
    expect(await walk("limit=4&name=paged-03")).toEqual([created[3]]);
    expect(await walk("limit=6&status=Error")).toEqual(created);
  });

  it("without a limit it answers at most 1000, as Zun's max_limit, and links the rest", async () => {
    const response = await berth.api("GET", "/v1/containers");
    expect(response.body.containers).toHaveLength(COUNT);
    expect(response.body.next ?? null).toBeNull();
  });

  it("one page reads about one page of items, not the whole project", async () => {
    const meter = new ReadMeter();
    const config = readConfig();
    const stores = storesFor(config, meteredDocumentClient(config, meter));
    const caller = { projectId: "demo", userId: "admin", roles: ["admin"] };
    const first = await listContainers(containerListingOf({ limit: "5" }), caller, stores.containers);
    expect(first.containers.map((container) => container.uuid)).toEqual(created.slice(0, 5));
    expect(meter.itemsRead).toBeLessThanOrEqual(8);
    const marker = first.containers[4]!.uuid;
    meter.itemsRead = 0;
    const second = await listContainers(containerListingOf({ limit: "5", marker }), caller, stores.containers);
    expect(second.containers.map((container) => container.uuid)).toEqual(created.slice(5, 10));
    expect(meter.itemsRead).toBeLessThanOrEqual(9);
  });
});
