import { readConfig } from "../shared/config.ts";
import { describeDevTokens, readDevSettings } from "./dev-settings.ts";
import { startLocalStack } from "./stack.ts";

/** `npm run dev`: the whole of Berth on this machine, until Ctrl-C or SIGTERM. */
const settings = readDevSettings(process.env, process.argv.slice(2));
const stack = await startLocalStack({ ...settings, say: (line) => console.log(line) });
// The stack has put the functions' environment in process.env: read the tokens they will accept.
const tokens = describeDevTokens(readConfig(process.env).devTokens);
const [firstToken, ...otherTokens] = tokens.lines;
console.log(`
Berth is up.
  API:        ${stack.apiUrl}/v1
  Dev token:  ${firstToken}${otherTokens.map((line) => `\n              ${line}`).join("")}
  Kept:       ${stack.storage.length ? stack.storage.join("\n              ") : `in the services at ${process.env.AWS_ENDPOINT_URL}`}
  Try:        curl -s -H "X-Auth-Token: ${tokens.example ?? "<token>"}" ${stack.apiUrl}/v1/containers
`);
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    console.log("Stopping Berth…");
    void stack.stop().then(() => process.exit(0));
  });
}
