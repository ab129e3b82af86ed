import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type Docker from "dockerode";
import { TEST_IMAGE } from "../../local/test-image.ts";

/** The test image with a declared VOLUME: each container made from it gets an anonymous volume of its own. */
export const ANONYMOUS_VOLUME_IMAGE = "berth-test/busybox-volume:1";

export async function ensureImageWithAnonymousVolume(docker: Docker): Promise<string> {
  const context = mkdtempSync(join(tmpdir(), "berth-volume-image-"));
  try {
    writeFileSync(join(context, "Dockerfile"), `FROM ${TEST_IMAGE}\nVOLUME /scratch\n`);
    const stream = await docker.buildImage({ context, src: ["Dockerfile"] }, { t: ANONYMOUS_VOLUME_IMAGE });
    await new Promise<void>((resolve, reject) =>
      docker.modem.followProgress(stream, (error: Error | null, output: Array<{ error?: string }>) => {
        const failed = output?.find((event) => event.error);
        if (error || failed) reject(error ?? new Error(failed!.error));
        else resolve();
      }),
    );
    return ANONYMOUS_VOLUME_IMAGE;
  } finally {
    rmSync(context, { recursive: true, force: true });
  }
}
