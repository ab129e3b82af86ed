import Docker from "dockerode";
import { ensureEmulators } from "../../local/emulators/start.ts";
import { ensureTestImage } from "./test-image.ts";

/**
 * Before any test: the emulators answer (started here if nothing does), the
 * Docker engine answers, and the test image exists.
 */
export default async function setup() {
  const docker = new Docker({ socketPath: process.env.BERTH_DOCKER_SOCKET ?? "/var/run/docker.sock" });
  try {
    await docker.ping();
  } catch (error) {
    throw new Error(`The tests need a running Docker engine at /var/run/docker.sock (${(error as Error).message}).`);
  }
  await ensureTestImage(docker);
  const emulators = process.env.AWS_ENDPOINT_URL ? undefined : await ensureEmulators();
  return async () => {
    await emulators?.stop();
  };
}
