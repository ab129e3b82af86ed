import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { HeldMessages } from "../../../agents/host-agent/held-messages.ts";

const folders: string[] = [];
afterEach(() => {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

function stateFile(): string {
  const folder = mkdtempSync(join(tmpdir(), "berth-held-"));
  folders.push(folder);
  // A folder not made yet: the agent's state folder on a first start.
  return join(folder, "agent-0", "held-messages.json");
}

const onDisk = (file: string) => JSON.parse(readFileSync(file, "utf8"));

describe("the messages an agent holds, kept in its state folder", () => {
  it("are on disk once flushed, without the ones released", async () => {
    const file = stateFile();
    const held = new HeldMessages(file, "http://queue/host.fifo");
    held.hold("h1");
    held.hold("h2");
    held.hold("h3");
    held.release("h2");
    await held.flushed();
    expect(onDisk(file)).toEqual({ queue_url: "http://queue/host.fifo", handles: ["h1", "h3"] });
    held.release("h1");
    held.release("h3");
    await held.flushed();
    expect(onDisk(file).handles).toEqual([]);
  });

  it("coalesce their writes: a burst of changes costs a few writes, not one each", async () => {
    const file = stateFile();
    const held = new HeldMessages(file, "http://queue/host.fifo");
    for (let index = 0; index < 1000; index++) held.hold(`h${index}`);
    for (let index = 0; index < 999; index++) held.release(`h${index}`);
    await held.flushed();
    expect(held.writes).toBeLessThanOrEqual(2);
    expect(onDisk(file).handles).toEqual(["h999"]);
  });
});
