import { mkdtempSync, rmSync } from "node:fs";
import { connect } from "node:net";
import { networkInterfaces, tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { ensureEmulators, type RunningEmulators } from "../../local/emulators/start.ts";
import { freePorts } from "../helpers/dev-process.ts";

let dataDir: string;
let emulators: RunningEmulators | undefined;
let ports: number[];

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), "berth-emulators-"));
  ports = await freePorts(2);
  emulators = await ensureEmulators({ dynamodbPort: ports[0], sqsPort: ports[1], inMemory: true, dataDir });
}, 120_000);

afterAll(async () => {
  await emulators?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

it("the emulators answer on loopback and nowhere else: a container reaches the host on its other addresses", async () => {
  const [dynamodbPort, sqsPort] = ports as [number, number];
  const hostAddresses = Object.values(networkInterfaces())
    .flat()
    .filter((address) => address !== undefined && address.family === "IPv4" && !address.internal)
    .map((address) => address!.address);
  expect(hostAddresses.length).toBeGreaterThan(0);
  for (const port of [dynamodbPort, sqsPort]) {
    expect(await connects("127.0.0.1", port)).toBe(true);
    for (const address of hostAddresses) expect(await connects(address, port), `${address}:${port}`).toBe(false);
  }
});

function connects(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: 2000 });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
    socket.once("timeout", () => {
      socket.destroy();
      resolve(false);
    });
  });
}
