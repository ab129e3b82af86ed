import { isServedBy, registryDomainOf } from "../../shared/images/reference.ts";
import type { RegistryRecord } from "../../shared/model/registry.ts";
import { type SealingKeySource, sealingSettingsOf } from "../../shared/registries/sealing-key.ts";
import { open, registryPasswordContext } from "../../shared/registries/secret-box.ts";
import type { Stores } from "../../shared/store/stores.ts";
import { PullRefusedError } from "./registry-guard.ts";

export interface RegistryAuth {
  username: string;
  password: string;
  serveraddress: string;
}

/**
 * Credentials to pull with: the container's chosen registry, or else the
 * project's registry for the image's domain. Unsealed only here, for the
 * pull, and only for the registry they belong to.
 */
export async function credentialsFor(
  stores: Pick<Stores, "registries">,
  secrets: SealingKeySource,
  request: { registryId?: string | null; projectId: string; image: string },
): Promise<RegistryAuth | undefined> {
  let registry: RegistryRecord | undefined;
  if (request.registryId) registry = await stores.registries.get(request.registryId);
  else {
    const domain = registryDomainOf(request.image);
    if (domain)
      registry = (await stores.registries.listByProject(request.projectId)).find(
        (candidate) => candidate.domain === domain,
      );
  }
  if (!registry) return undefined;
  if (!isServedBy(request.image, registry.domain))
    throw new PullRefusedError(
      `registry ${registry.name} is for ${registry.domain}, not for ${request.image}: its credentials are not sent there`,
    );
  let password: string;
  try {
    password = open(registry.password_sealed, await sealingSettingsOf(secrets), registryPasswordContext(registry));
  } catch (error) {
    throw new PullRefusedError(
      `the password of registry ${registry.name} could not be unsealed: ${(error as Error).message}`,
    );
  }
  return { username: registry.username, password, serveraddress: registry.domain };
}
