import { cpSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type Docker from "dockerode";

/** The image tests run: a static busybox on scratch, built locally because no registry is reachable. */
export const TEST_IMAGE = "berth-test/busybox:1";

/** A long-running command that exits promptly on SIGTERM (a bare `sleep` as PID 1 ignores it). */
export const SLEEPER = ["sh", "-c", "trap 'exit 0' TERM; while true; do sleep 1; done"];

const BUSYBOX_CANDIDATES = ["/bin/busybox", "/usr/bin/busybox"];

export async function ensureTestImage(docker: Docker): Promise<void> {
  try {
    await docker.getImage(TEST_IMAGE).inspect();
    return;
  } catch {
    // not built yet
  }
  const context = mkdtempSync(join(tmpdir(), "berth-image-"));
  try {
    const busybox = BUSYBOX_CANDIDATES.find((path) => {
      try {
        cpSync(path, join(context, "busybox"), { dereference: true });
        return true;
      } catch {
        return false;
      }
    });
    if (!busybox)
      throw new Error("Building the test image needs a static busybox (Debian: apt-get install busybox-static).");
    writeFileSync(
      join(context, "Dockerfile"),
      'FROM scratch\nCOPY busybox /bin/busybox\nRUN ["/bin/busybox", "--install", "-s", "/bin"]\nCMD ["sh"]\n',
    );
    const stream = await docker.buildImage({ context, src: ["Dockerfile", "busybox"] }, { t: TEST_IMAGE });
    await new Promise<void>((resolve, reject) =>
      docker.modem.followProgress(stream, (error: Error | null, output: Array<{ error?: string }>) => {
        const failed = output?.find((event) => event.error);
        if (error || failed) reject(error ?? new Error(failed!.error));
        else resolve();
      }),
    );
  } finally {
    rmSync(context, { recursive: true, force: true });
  }
}
