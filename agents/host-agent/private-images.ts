import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { mkdir, rename, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import type { RegistryAuth } from "./registry-credentials.ts";

export function privateImagesFile(stateDir: string): string {
  return join(stateDir, "private-images.json");
}

/** What proves access to an image: a digest of the credentials that pulled it, or "anonymous". */
export function proofOf(auth: RegistryAuth | undefined): string {
  if (!auth) return "anonymous";
  return createHash("sha256")
    .update(JSON.stringify([auth.serveraddress, auth.username, auth.password]))
    .digest("hex");
}

/**
 * The images this host pulled with a project's credentials, and which
 * credentials have proved access to each (Kubernetes' "ensure secret pulled
 * images"): the image cache is shared by every tenant of the host, so a
 * present image that was pulled privately serves a project only once that
 * project's own credentials — or none, for an image that turns out public —
 * have pulled it too. Kept in the agent's state folder across restarts.
 */
export class PrivateImages {
  private readonly proofs: Map<string, Set<string>>;

  constructor(private readonly file: string) {
    this.proofs = new Map();
    try {
      const saved = JSON.parse(readFileSync(file, "utf8")) as Record<string, string[]>;
      for (const [reference, proofs] of Object.entries(saved)) this.proofs.set(reference, new Set(proofs));
    } catch {
      // nothing pulled privately yet
    }
  }

  /** Whether `reference` was pulled here with credentials: its present copy serves only those proven. */
  guards(reference: string): boolean {
    return this.proofs.has(reference);
  }

  /** Whether a present copy of `reference` may serve the holder of `proof` without pulling again. */
  admits(reference: string, proof: string): boolean {
    const proofs = this.proofs.get(reference);
    return !proofs || proofs.has(proof);
  }

  /** Records that `proof` pulled `reference`; credentials are recorded only once they have pulled something. */
  async pulled(reference: string, proof: string): Promise<void> {
    const proofs = this.proofs.get(reference);
    if (!proofs && proof === "anonymous") return;
    if (proofs?.has(proof)) return;
    this.proofs.set(reference, new Set([...(proofs ?? []), proof]));
    await mkdir(dirname(this.file), { recursive: true });
    const temporary = `${this.file}.${process.pid}.tmp`;
    await writeFile(
      temporary,
      JSON.stringify(Object.fromEntries([...this.proofs].map(([key, value]) => [key, [...value]]))),
    );
    await rename(temporary, this.file);
  }
}
