import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readConfig } from "../../shared/config.ts";
import { meteredDocumentClient, ReadMeter } from "../../shared/store/read-meter.ts";
import { storesFor } from "../../shared/store/stores.ts";
import { startBerth, type TestBerth } from "../helpers/berth.ts";

/** Registry lists page as Zun's do (limit, marker), reading a page rather than the whole project. */
const COUNT = 5;
let berth: TestBerth;
const made: string[] = [];

beforeAll(async () => {
  berth = await startBerth({ agents: 0 });
  for (let index = 0; index < COUNT; index++) {
    const response = await berth.api("POST", "/v1/registries", {
      body: { registry: { name: `paged-${index}`, domain: "registry.example.test", username: "u", password: "p" } },
    });
    expect(response.status).toBe(201);
    made.push(response.body.registry.uuid);
  }
});
afterAll(async () => {
  await berth?.stop();
});

const uuidsOf = (body: any) => body.registries.map((registry: { uuid: string }) => registry.uuid);

describe("listing registries", () => {
  it("pages in creation order with limit and marker, linking the next page", async () => {
    const first = await berth.api("GET", "/v1/registries?limit=2");
    expect(first.status).toBe(200);
    expect(uuidsOf(first.body)).toEqual(made.slice(0, 2));
    const next = new URL(first.body.next);
    expect(next.searchParams.get("marker")).toBe(made[1]);
    const second = await berth.api("GET", `${next.pathname}${next.search}`);
    expect(uuidsOf(second.body)).toEqual(made.slice(2, 4));
    const last = await berth.api("GET", `/v1/registries?limit=2&marker=${made[3]}`);
    expect(uuidsOf(last.body)).toEqual(made.slice(4));
    expect(last.body.next).toBeNull();
  });

  it("one page reads about one page of items, not the whole project", async () => {
    const meter = new ReadMeter();
    const config = readConfig();
    const { registries } = storesFor(config, meteredDocumentClient(config, meter));
    const page = await registries.page("demo", { limit: 2 });
    expect(page.registries.map((registry) => registry.uuid)).toEqual(made.slice(0, 2));
    expect(page.more).toBe(true);
    expect(meter.itemsRead).toBeLessThanOrEqual(3);
  });

  it("without a limit lists them all, with no next page", async () => {
    const all = await berth.api("GET", "/v1/registries");
    expect(uuidsOf(all.body)).toEqual(made);
    expect(all.body.next).toBeNull();
  });

  it.each([
    ["limit", "limit=0"],
    ["limit", "limit=many"],
    ["marker", "marker=not-a-uuid"],
    ["marker", "marker=00000000-0000-4000-8000-000000000000"],
  ])("a bad %s is a 400 naming it (%s)", async (field, query) => {
    const response = await berth.api("GET", `/v1/registries?${query}`);
    expect(response.status).toBe(400);
    expect(response.body.errors[0].detail).toContain(field);
  });
});
