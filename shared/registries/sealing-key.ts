import { GetParameterCommand } from "@aws-sdk/client-ssm";
import type { BerthConfig } from "../config.ts";
import { ssmClientFor } from "../store/clients.ts";
import type { SecretSettings } from "./secret-box.ts";

/** Where the sealing key is found: in the environment (the local stack) or in an SSM parameter (deployed). */
export type SealingKeySource = SecretSettings & Pick<BerthConfig, "secretKeyParameter" | "region" | "ssmEndpoint">;

/** One read of each parameter per process (a Lambda instance's cold start, an agent's start); a failed read is retried. */
const parameterReads = new Map<string, Promise<string>>();

/**
 * The settings that seal and open registry passwords, with the current key
 * read from where it lives: `BERTH_SECRET_KEY` when set (the local stack's
 * `.berth/secret.key`), else the SecureString parameter
 * `BERTH_SECRET_KEY_PARAMETER` names, decrypted by SSM with its KMS key, so
 * the key is never in a template or a function's environment.
 */
export async function sealingSettingsOf(source: SealingKeySource): Promise<SecretSettings> {
  const settings = {
    secretKeyId: source.secretKeyId,
    previousSecretKeys: source.previousSecretKeys,
  };
  if (source.secretKey || !source.secretKeyParameter) return { ...settings, secretKey: source.secretKey };
  return { ...settings, secretKey: await readParameter(source, source.secretKeyParameter) };
}

function readParameter(source: SealingKeySource, name: string): Promise<string> {
  const cacheKey = `${source.region}|${source.ssmEndpoint ?? ""}|${name}`;
  let read = parameterReads.get(cacheKey);
  if (!read) {
    read = fetchParameter(source, name);
    parameterReads.set(cacheKey, read);
    read.catch(() => parameterReads.delete(cacheKey));
  }
  return read;
}

async function fetchParameter(source: SealingKeySource, name: string): Promise<string> {
  let value: string | undefined;
  try {
    const result = await ssmClientFor(source).send(new GetParameterCommand({ Name: name, WithDecryption: true }));
    if (result.Parameter?.Type !== "SecureString")
      throw new Error(`it is a ${result.Parameter?.Type ?? "missing"} parameter, not a SecureString`);
    value = result.Parameter.Value;
  } catch (error) {
    throw new Error(
      `configuration: the sealing key parameter ${name} (BERTH_SECRET_KEY_PARAMETER) could not be read: ${(error as Error).name}: ${(error as Error).message}`,
      { cause: error },
    );
  }
  return value ?? "";
}
