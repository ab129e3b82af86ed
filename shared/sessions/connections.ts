import { createHash, createHmac } from "node:crypto";
import { defaultProvider } from "@aws-sdk/credential-provider-node";
import { SignatureV4 } from "@smithy/signature-v4";

/** The connection is gone (API Gateway's GoneException, 410). */
export class ConnectionGoneError extends Error {}

/**
 * API Gateway's management API for a WebSocket stage (PostToConnection,
 * DeleteConnection), signed with the function's credentials; the local
 * gateway serves the same paths.
 */
export class Connections {
  private readonly signer: SignatureV4;

  constructor(
    private readonly managementUrl: string,
    region: string,
  ) {
    this.signer = new SignatureV4({ service: "execute-api", region, credentials: defaultProvider(), sha256: Sha256 });
  }

  async post(connectionId: string, data: Uint8Array): Promise<void> {
    const response = await this.send("POST", connectionId, data);
    if (response.status === 410) throw new ConnectionGoneError(`connection ${connectionId} is gone`);
    if (!response.ok) throw new Error(`PostToConnection ${connectionId}: ${response.status}`);
  }

  /** Closes a connection; one already gone is fine. */
  async close(connectionId: string): Promise<void> {
    const response = await this.send("DELETE", connectionId);
    if (!response.ok && response.status !== 410)
      throw new Error(`DeleteConnection ${connectionId}: ${response.status}`);
  }

  private async send(method: "POST" | "DELETE", connectionId: string, body?: Uint8Array): Promise<Response> {
    const url = new URL(`${this.managementUrl.replace(/\/$/, "")}/@connections/${encodeURIComponent(connectionId)}`);
    const request = {
      method,
      protocol: url.protocol,
      hostname: url.hostname,
      port: url.port ? Number(url.port) : undefined,
      path: url.pathname,
      headers: { host: url.host, ...(body ? { "content-type": "application/octet-stream" } : {}) },
      body,
    };
    const signed = await this.signer.sign(request);
    return fetch(url, {
      method,
      headers: signed.headers as Record<string, string>,
      body: body ? Buffer.from(body) : undefined,
    });
  }
}

/** The hash SignatureV4 asks for, from node:crypto. */
class Sha256 {
  private readonly hash;
  constructor(secret?: string | ArrayBuffer | ArrayBufferView) {
    this.hash = secret ? createHmac("sha256", bytesOf(secret)) : createHash("sha256");
  }
  update(data: string | ArrayBuffer | ArrayBufferView): void {
    this.hash.update(bytesOf(data));
  }
  async digest(): Promise<Uint8Array> {
    return this.hash.digest();
  }
}

function bytesOf(data: string | ArrayBuffer | ArrayBufferView): string | Buffer {
  if (typeof data === "string") return data;
  if (ArrayBuffer.isView(data)) return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return Buffer.from(data);
}

const byUrl = new Map<string, Connections>();

/** One client per management URL, reused across invocations. */
export function connectionsFor(managementUrl: string, region: string): Connections {
  let connections = byUrl.get(managementUrl);
  if (!connections) {
    connections = new Connections(managementUrl, region);
    byUrl.set(managementUrl, connections);
  }
  return connections;
}
