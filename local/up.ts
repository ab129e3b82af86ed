import { DEFAULT_DEV_TOKENS } from "../shared/config.ts";
import { startLocalStack } from "./stack.ts";

/** `npm run dev`: the whole of Berth on this machine, until Ctrl-C. */
const stack = await startLocalStack({
  stage: process.env.BERTH_STAGE ?? "dev",
  port: Number(process.env.BERTH_PORT ?? 8080),
  agents: Number(process.env.BERTH_AGENTS ?? 1),
});
const [adminToken] = Object.keys(DEFAULT_DEV_TOKENS);
console.log(`
Berth is up.
  API:        ${stack.apiUrl}/v1
  Dev token:  ${adminToken}   (admin of project "demo"; "berth-dev-member" is a member)
  Try:        curl -s -H "X-Auth-Token: ${adminToken}" ${stack.apiUrl}/v1/containers
`);
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    console.log("Stopping Berth…");
    void stack.stop().then(() => process.exit(0));
  });
}
