import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TEST_IMAGE } from "../../local/test-image.ts";
import { startBerth, type TestBerth } from "../helpers/berth.ts";

/** Zun's microversions before 1.20, as zun-tempest-plugin's legacy class and old clients speak them. */
let berth: TestBerth;
beforeAll(async () => {
  berth = await startBerth();
});
afterAll(async () => {
  await berth?.stop();
});

/** One tar holding one small text file, as tempest builds it. */
function tarOf(name: string, content: string): Buffer {
  const header = Buffer.alloc(512);
  const field = (value: string, offset: number, length: number) =>
    header.write(value.padEnd(length, "\0").slice(0, length), offset, "ascii");
  field(name, 0, 100);
  field("0000644", 100, 8);
  field("0000000", 108, 8);
  field("0000000", 116, 8);
  field(content.length.toString(8).padStart(11, "0"), 124, 12);
  field(
    Math.floor(Date.now() / 1000)
      .toString(8)
      .padStart(11, "0"),
    136,
    12,
  );
  field("        ", 148, 8);
  field("0", 156, 1);
  field("ustar\u000000", 257, 8);
  let sum = 0;
  for (const byte of header) sum += byte;
  field(`${sum.toString(8).padStart(6, "0")}\0 `, 148, 8);
  const body = Buffer.alloc(Math.ceil(content.length / 512) * 512);
  body.write(content, "ascii");
  return Buffer.concat([header, body, Buffer.alloc(1024)]);
}

/** The content of the first file in a tar. */
function firstFileOf(tar: Buffer): { name: string; content: string } {
  const name = tar.subarray(0, 100).toString("ascii").replace(/\0.*$/s, "");
  const size = Number.parseInt(tar.subarray(124, 136).toString("ascii").replace(/\0.*$/s, "").trim(), 8);
  return { name, content: tar.subarray(512, 512 + size).toString("utf8") };
}

describe("microversions 1.1 to 1.19", () => {
  it("are announced and accepted; outside Zun's range is still a 406", async () => {
    const root = await fetch(`${berth.stack.apiUrl}/`).then((response) => response.json());
    expect(root.default_version).toMatchObject({ min_version: "1.1", max_version: "1.40" });
    for (const version of ["1.1", "1.19"]) {
      const listed = await berth.api("GET", "/v1/containers", { version });
      expect(listed.status, version).toBe(200);
      expect(listed.headers.get("openstack-api-version")).toBe(`container ${version}`);
      expect(listed.headers.get("openstack-api-minimum-version")).toBe("container 1.1");
    }
    for (const version of ["1.0", "1.41"])
      expect((await berth.api("GET", "/v1/containers", { version })).status, version).toBe(406);
  });

  it("take a create's command as one command line, split as Zun splits it", async () => {
    const command = "/bin/sh -c 'echo legacy hello; trap \"exit 0\" TERM; while true; do sleep 1; done'";
    const created = await berth.api("POST", "/v1/containers?run=true", {
      version: "1.19",
      body: { name: "legacy", image: TEST_IMAGE, command },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(202);
    const running = await berth.waitForContainer(created.body.uuid, (container) => container.status === "Running");
    expect(running.command).toEqual([
      "/bin/sh",
      "-c",
      'echo legacy hello; trap "exit 0" TERM; while true; do sleep 1; done',
    ]);
    const inspected = await berth.docker.getContainer(`berth-${running.uuid}`).inspect();
    expect(inspected.Config.Cmd).toEqual(running.command);

    const listAtLegacy = await berth.api("POST", "/v1/containers", {
      version: "1.19",
      body: { image: TEST_IMAGE, command: ["sh"] },
    });
    expect(listAtLegacy.status).toBe(400);
    expect(listAtLegacy.body.errors[0].detail).toContain("command");
    const stringAtCurrent = await berth.api("POST", "/v1/containers", {
      version: "1.20",
      body: { image: TEST_IMAGE, command: "sh" },
    });
    expect(stringAtCurrent.status).toBe(400);
    expect(stringAtCurrent.body.errors[0].detail).toContain("command");
  });

  // Zun's put_archive and get_archive carry the tar itself before 1.25, and base64 from 1.25.
  it("put_archive and get_archive carry the raw tar before 1.25 and base64 from 1.25", async () => {
    // tempest puts into /tmp; the test image is busybox on scratch, whose one sure directory is /.
    const legacy = await berth.waitForContainer("legacy", (container) => container.status === "Running");
    const tar = tarOf("test.txt", "Random text");
    const put = await berth.api("POST", `/v1/containers/${legacy.uuid}/put_archive?path=/`, {
      version: "1.24",
      body: { data: tar.toString("utf8") },
    });
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    const got = await berth.api("GET", `/v1/containers/${legacy.uuid}/get_archive?path=/test.txt`, { version: "1.24" });
    expect(got.status).toBe(200);
    expect(firstFileOf(Buffer.from(got.body.data, "utf8"))).toEqual({ name: "test.txt", content: "Random text" });
    expect(got.body.stat).toMatchObject({ name: "test.txt", size: "Random text".length });

    const encoded = await berth.api("GET", `/v1/containers/${legacy.uuid}/get_archive?path=/test.txt`, {
      version: "1.25",
    });
    expect(firstFileOf(Buffer.from(encoded.body.data, "base64"))).toEqual({ name: "test.txt", content: "Random text" });
    const rawAtCurrent = await berth.api("POST", `/v1/containers/${legacy.uuid}/put_archive?path=/`, {
      version: "1.25",
      body: { data: tar.toString("utf8") },
    });
    expect(rawAtCurrent.status).toBe(400);
    expect(rawAtCurrent.body.errors[0].detail).toContain("data");
  });
});
