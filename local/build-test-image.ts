import Docker from "dockerode";
import { ensureTestImage, TEST_IMAGE } from "./test-image.ts";

/** `npm run image:busybox`: builds the small local image the walk-through and the tests use. */
await ensureTestImage(new Docker({ socketPath: process.env.BERTH_DOCKER_SOCKET ?? "/var/run/docker.sock" }));
console.log(`${TEST_IMAGE} is ready.`);
