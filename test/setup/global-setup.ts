import Docker from "dockerode";
import { ensureEmulators } from "../../local/emulators/start.ts";
import { ensureTestImage } from "../../local/test-image.ts";

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
  // In memory: each test file makes a stage of its own and needs nothing kept, and
  // DynamoDB Local writes about 2.5 times faster so (the restart tests start durable ones of their own).
  const emulators = process.env.AWS_ENDPOINT_URL ? undefined : await ensureEmulators({ inMemory: true });
  return async () => {
    await emulators?.stop();
  };
}
