import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  cleanEnvironment,
  type DevProcess,
  freePorts,
  killProcessGroup,
  startDev,
  stillRunningAfter,
} from "../helpers/dev-process.ts";

const OWN_TOKENS = { "own-admin": { projectId: "p1", userId: "me", roles: ["admin", "member"] } };
let dataDir: string;
let dev: DevProcess | undefined;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), "berth-data-"));
  const [port, dynamodbPort, sqsPort] = await freePorts(3);
  dev = await startDev(
    cleanEnvironment({
      BERTH_DATA_DIR: dataDir,
      BERTH_STAGE: `c${Date.now().toString(36)}`,
      BERTH_PORT: String(port),
      BERTH_DYNAMODB_PORT: String(dynamodbPort),
      BERTH_SQS_PORT: String(sqsPort),
      BERTH_DEV_TOKENS: JSON.stringify(OWN_TOKENS),
      // serverless.yml says 180: the environment must win locally.
      BERTH_HOST_DOWN_AFTER_SECONDS: "3",
      BERTH_HEARTBEAT_SECONDS: "600",
      BERTH_RECONCILE_EVERY_SECONDS: "1",
    }),
  );
}, 180_000);

afterAll(() => {
  if (dev && dev.npm.exitCode === null) killProcessGroup(dev);
  rmSync(dataDir, { recursive: true, force: true });
});

describe("npm run dev's configuration", () => {
  it("names in its banner the token the functions accept, not the default ones", async () => {
    expect(dev!.output()).toMatch(/Dev token:\s+own-admin/);
    expect(dev!.output()).not.toContain("berth-dev-admin");
    expect((await dev!.api("GET", "/v1/containers", { token: "own-admin" })).status).toBe(200);
    expect((await dev!.api("GET", "/v1/containers", { token: "berth-dev-admin" })).status).toBe(401);
  });

  it("lets the environment override serverless.yml's values, and runs the reconciler at the period asked", async () => {
    // The agent heartbeats once at start; three seconds later its host is down for the functions and the reconciler alike.
    let services: any[] = [];
    for (const deadline = Date.now() + 20_000; Date.now() < deadline; await sleep(500)) {
      services = (await dev!.api("GET", "/v1/services", { token: "own-admin" })).body.services;
      if (services.length && services.every((service) => service.state === "down")) break;
    }
    expect(services.map((service) => service.state)).toEqual(["down"]);
    for (
      const deadline = Date.now() + 20_000;
      Date.now() < deadline && !dev!.output().includes('"hostsMarkedDown":1');
    )
      await sleep(500);
    expect(dev!.output()).toContain('"hostsMarkedDown":1');
  }, 60_000);

  it("stops, with everything it started, on SIGTERM to the npm process", async () => {
    const started = dev!.processes();
    expect(started.length).toBeGreaterThanOrEqual(5); // npm, the stack, two emulators, an agent
    process.kill(dev!.npm.pid!, "SIGTERM");
    expect(await stillRunningAfter(started, 60_000)).toEqual([]);
  }, 90_000);
});
