import { randomBytes } from "node:crypto";
import { PutParameterCommand, SSMClient } from "@aws-sdk/client-ssm";
import { GetCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SLEEPER, TEST_IMAGE } from "../../local/test-image.ts";
import { readConfig } from "../../shared/config.ts";
import { sealingSettingsOf } from "../../shared/registries/sealing-key.ts";
import { open, registryPasswordContext } from "../../shared/registries/secret-box.ts";
import { documentClientFor } from "../../shared/store/clients.ts";
import { keys } from "../../shared/store/keys.ts";
import { startBerth, type TestBerth } from "../helpers/berth.ts";
import { type LocalRegistry, startLocalRegistry } from "../helpers/local-registry.ts";
import { type MotoServer, startMotoServer } from "../helpers/moto-server.ts";

/** A deployed stage's sealing key: in Parameter Store (moto's server), never in the environment. */
let moto: MotoServer;
let berth: TestBerth;
let registry: LocalRegistry;
let ssm: SSMClient;
const parameter = `/berth-e2e-${randomBytes(4).toString("hex")}/sealing-key`;
const sealingKey = randomBytes(32).toString("base64");

beforeAll(async () => {
  moto = await startMotoServer();
  berth = await startBerth({
    environment: { BERTH_SECRET_KEY_PARAMETER: parameter, AWS_ENDPOINT_URL_SSM: moto.endpoint },
  });
  ssm = new SSMClient({ region: readConfig().region, endpoint: moto.endpoint });
  await ssm.send(new PutParameterCommand({ Name: parameter, Type: "SecureString", Value: sealingKey }));
  registry = await startLocalRegistry(berth.docker, [
    { from: TEST_IMAGE, repo: `private/busybox-${berth.deployment}`, tag: "1" },
  ]);
}, 300_000);
afterAll(async () => {
  await berth?.stop();
  await registry?.stop();
  ssm?.destroy();
  await moto?.stop();
});

const privateImage = () => `${registry.domain}/private/busybox-${berth.deployment}:1`;

async function createRegistry(name: string) {
  return berth.api("POST", "/v1/registries", {
    body: { registry: { name, domain: registry.domain, username: registry.username, password: registry.password } },
  });
}

async function runPrivateImage() {
  const created = await berth.api("POST", "/v1/containers?run=true", {
    body: {
      image: privateImage(),
      registry: "mine",
      image_pull_policy: "always",
      command: SLEEPER,
      cpu: 0.1,
      memory: 16,
    },
  });
  expect(created.status).toBe(202);
  await berth.waitForContainer(created.body.uuid, (container) => container.status === "Running", 30_000);
  await berth.api("DELETE", `/v1/containers/${created.body.uuid}?force=true`);
  await berth.waitForGone(created.body.uuid);
}

describe("the sealing key from SSM Parameter Store", () => {
  it("is not in the functions' environment, and seals a registry's password that only it opens", async () => {
    expect(process.env.BERTH_SECRET_KEY).toBeUndefined();
    const created = await createRegistry("mine");
    expect(created.status).toBe(201);
    const record = (
      await documentClientFor(readConfig()).send(
        new GetCommand({ TableName: readConfig().tableName, Key: keys.registry(created.body.registry.uuid) }),
      )
    ).Item as { password_sealed: string; project_id: string; uuid: string };
    const settings = { secretKeyId: "k1", previousSecretKeys: undefined };
    expect(open(record.password_sealed, { ...settings, secretKey: sealingKey }, registryPasswordContext(record))).toBe(
      registry.password,
    );
    const otherKey = randomBytes(32).toString("base64");
    expect(() =>
      open(record.password_sealed, { ...settings, secretKey: otherKey }, registryPasswordContext(record)),
    ).toThrow(/does not open here/);
  });

  it("is what the host agent opens the password with to pull a private image", async () => {
    await runPrivateImage();
  }, 60_000);

  it("must be a SecureString that exists: otherwise the error names the parameter and the setting", async () => {
    const source = { ...readConfig(), secretKey: undefined };
    await expect(sealingSettingsOf({ ...source, secretKeyParameter: `${parameter}-absent` })).rejects.toThrow(
      new RegExp(`${parameter}-absent \\(BERTH_SECRET_KEY_PARAMETER\\) could not be read: ParameterNotFound`),
    );
    const plain = `${parameter}-plain`;
    await ssm.send(new PutParameterCommand({ Name: plain, Type: "String", Value: sealingKey }));
    await expect(sealingSettingsOf({ ...source, secretKeyParameter: plain })).rejects.toThrow(/not a SecureString/);
  });

  it("is read again after a failed read: a parameter created after the first request is found", async () => {
    const source = { ...readConfig(), secretKey: undefined, secretKeyParameter: `${parameter}-later` };
    await expect(sealingSettingsOf(source)).rejects.toThrow(/ParameterNotFound/);
    await ssm.send(
      new PutParameterCommand({ Name: source.secretKeyParameter, Type: "SecureString", Value: sealingKey }),
    );
    expect((await sealingSettingsOf(source)).secretKey).toBe(sealingKey);
  });

  it("is read once per process: with Parameter Store gone, passwords are still sealed and private pulls still work", async () => {
    await moto.stop();
    expect((await createRegistry("again")).status).toBe(201);
    await runPrivateImage();
  }, 60_000);
});
