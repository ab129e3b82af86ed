import { randomBytes } from "node:crypto";
import { request } from "node:http";

/** The answer to a websocket upgrade: 101 opens it; anything else is the refusal's status. */
export async function upgradeStatus(url: string): Promise<number> {
  const target = new URL(url.replace(/^ws/, "http"));
  return new Promise((resolve, reject) => {
    const upgrade = request(target, {
      headers: {
        connection: "Upgrade",
        upgrade: "websocket",
        "sec-websocket-version": "13",
        "sec-websocket-key": randomBytes(16).toString("base64"),
        "sec-websocket-protocol": "binary, base64",
      },
    });
    upgrade.on("upgrade", (_response, socket) => {
      socket.destroy();
      resolve(101);
    });
    upgrade.on("response", (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    });
    upgrade.on("error", reject);
    upgrade.end();
  });
}

/** An open session, as a client sees it: what it received, and when it was closed. */
export interface OpenSession {
  socket: WebSocket;
  output(): string;
  closed: Promise<number>;
  send(text: string): void;
  /** Resolves once `text` has arrived. */
  waitFor(text: string, timeoutMs?: number): Promise<void>;
}

export async function openSession(url: string): Promise<OpenSession> {
  const socket = new WebSocket(url, ["binary", "base64"]);
  socket.binaryType = "arraybuffer";
  let received = "";
  const waiters: Array<() => void> = [];
  socket.addEventListener("message", (event) => {
    received += typeof event.data === "string" ? event.data : Buffer.from(event.data as ArrayBuffer).toString("utf8");
    for (const wake of waiters.splice(0)) wake();
  });
  const closed = new Promise<number>((resolve) => socket.addEventListener("close", () => resolve(Date.now())));
  await new Promise<void>((resolve, reject) => {
    socket.addEventListener("open", () => resolve(), { once: true });
    socket.addEventListener("error", () => reject(new Error(`could not open ${url}`)), { once: true });
  });
  return {
    socket,
    output: () => received,
    closed,
    send: (text) => socket.send(Buffer.from(text)),
    async waitFor(text, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (!received.includes(text)) {
        if (Date.now() > deadline)
          throw new Error(
            `did not receive ${JSON.stringify(text)} in ${timeoutMs} ms; got ${JSON.stringify(received)}`,
          );
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, 100);
        });
      }
    },
  };
}
