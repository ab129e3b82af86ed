import { randomBytes, randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import type { Context } from "aws-lambda";
import type { WebSocketEvent, WebSocketResult } from "../../shared/sessions/websocket-event.ts";
import { FUNCTION_TIMEOUT_MS } from "../../shared/time-limits.ts";
import { PROJECT_ROOT, type WebSocketRoute } from "../serverless-config.ts";
import { acceptKeyFor, closePayload, encodeFrame, FrameReader, OPCODE } from "./frames.ts";

type Handler = (event: WebSocketEvent, context: Context) => Promise<WebSocketResult>;

interface Connection {
  id: string;
  socket: Socket;
  connectedAt: number;
  /** Frames are handed to $default one at a time, in order. */
  delivering: Promise<void>;
  closed: boolean;
  fragments: Buffer[];
  fragmentOpcode: number;
}

/**
 * A local stand-in for API Gateway's WebSocket API: `$connect`, `$default` and
 * `$disconnect` as serverless.yml routes them, and the management API
 * (`POST|GET|DELETE /@connections/{id}`) functions use to reach a connection.
 * A connection can be posted to only once its `$connect` has answered 200, as on AWS.
 */
export class LocalWebSocketGateway {
  private server: Server | undefined;
  private readonly connections = new Map<string, Connection>();
  private readonly handlers = new Map<string, Promise<Handler>>();
  /** Every upgraded socket, connected or still in `$connect`: close() ends them all. */
  private readonly sockets = new Set<Socket>();

  constructor(private readonly routes: WebSocketRoute[]) {}

  /** Resolves to the websocket URL clients connect to; the management API is its http:// twin. */
  async listen(port = 0, host = "127.0.0.1"): Promise<{ url: string; managementUrl: string }> {
    this.server = createServer((request, response) => void this.manage(request, response));
    this.server.on("upgrade", (request, socket: Socket, head: Buffer) => void this.upgrade(request, socket, head));
    await new Promise<void>((resolve) => this.server!.listen(port, host, resolve));
    const address = this.server.address() as AddressInfo;
    return { url: `ws://${host}:${address.port}`, managementUrl: `http://${host}:${address.port}` };
  }

  async close(): Promise<void> {
    if (!this.server) return;
    for (const socket of this.sockets) socket.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
  }

  private async manage(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const match = /^\/@connections\/([^/?]+)$/.exec(request.url ?? "");
    const connection = match ? this.connections.get(decodeURIComponent(match[1]!)) : undefined;
    if (!match) return void response.writeHead(404).end();
    if (!connection || connection.closed)
      return void response.writeHead(410, { "content-type": "application/json" }).end('{"message":"GoneException"}');
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    if (request.method === "POST") {
      connection.socket.write(encodeFrame(OPCODE.binary, Buffer.concat(chunks)));
      return void response.writeHead(200).end();
    }
    if (request.method === "DELETE") {
      this.hangUp(connection, 1000, "closed by the service");
      return void response.writeHead(204).end();
    }
    if (request.method === "GET") {
      return void response
        .writeHead(200, { "content-type": "application/json" })
        .end(JSON.stringify({ connectedAt: new Date(connection.connectedAt).toISOString() }));
    }
    response.writeHead(405).end();
  }

  private async upgrade(request: IncomingMessage, socket: Socket, head: Buffer): Promise<void> {
    this.sockets.add(socket);
    socket.once("close", () => this.sockets.delete(socket));
    const key = request.headers["sec-websocket-key"];
    if (typeof key !== "string" || request.headers.upgrade?.toLowerCase() !== "websocket") {
      socket.end("HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n");
      return;
    }
    const connection: Connection = {
      id: connectionId(),
      socket,
      connectedAt: Date.now(),
      delivering: Promise.resolve(),
      closed: false,
      fragments: [],
      fragmentOpcode: 0,
    };
    const url = new URL(request.url ?? "/", "http://localhost");
    const headers = Object.fromEntries(
      Object.entries(request.headers).map(([name, value]) => [
        name,
        Array.isArray(value) ? value.join(",") : (value ?? ""),
      ]),
    );
    let result: WebSocketResult;
    try {
      result = await this.invoke("$connect", connection, {
        headers,
        queryStringParameters: url.searchParams.size > 0 ? Object.fromEntries(url.searchParams) : undefined,
      });
    } catch (error) {
      console.error("websocket gateway: $connect crashed", error);
      result = { statusCode: 500 };
    }
    if (result.statusCode !== 200) {
      socket.end(`HTTP/1.1 ${result.statusCode} Refused\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      return;
    }
    const extra = Object.entries(result.headers ?? {})
      .map(([name, value]) => `${name}: ${value}\r\n`)
      .join("");
    socket.write(
      `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${acceptKeyFor(key)}\r\n${extra}\r\n`,
    );
    socket.setNoDelay(true);
    this.connections.set(connection.id, connection);
    const reader = new FrameReader();
    const onData = (chunk: Buffer) => {
      try {
        for (const frame of reader.push(chunk)) this.receive(connection, frame.opcode, frame.fin, frame.payload);
      } catch {
        this.hangUp(connection, 1002, "protocol error");
      }
    };
    socket.on("data", onData);
    // A peer that is gone (FIN) is gone: upgraded sockets are half-open by default.
    socket.on("end", () => socket.destroy());
    socket.on("close", () => this.disconnected(connection));
    socket.on("error", () => socket.destroy());
    if (head.length > 0) onData(head);
  }

  private receive(connection: Connection, opcode: number, fin: boolean, payload: Buffer): void {
    if (opcode === OPCODE.ping) return void connection.socket.write(encodeFrame(OPCODE.pong, payload));
    if (opcode === OPCODE.pong) return;
    if (opcode === OPCODE.close) {
      this.hangUp(connection, payload.length >= 2 ? payload.readUInt16BE(0) : 1000, "");
      return;
    }
    if (opcode !== OPCODE.continuation) connection.fragmentOpcode = opcode;
    connection.fragments.push(payload);
    if (!fin) return;
    const message = Buffer.concat(connection.fragments);
    const binary = connection.fragmentOpcode === OPCODE.binary;
    connection.fragments = [];
    const body = binary ? message.toString("base64") : message.toString("utf8");
    connection.delivering = connection.delivering
      .then(() => this.invoke("$default", connection, { body, isBase64Encoded: binary }))
      .then(
        () => undefined,
        (error) => console.error("websocket gateway: $default crashed", error),
      );
  }

  /** Sends a close frame and ends the socket; `$disconnect` follows when it is gone. */
  private hangUp(connection: Connection, code: number, reason: string): void {
    if (!connection.closed && connection.socket.writable)
      connection.socket.end(encodeFrame(OPCODE.close, closePayload(code === 1005 ? 1000 : code, reason)));
    connection.closed = true;
    setTimeout(() => connection.socket.destroy(), 1000).unref();
  }

  private disconnected(connection: Connection): void {
    if (!this.connections.delete(connection.id)) return;
    connection.closed = true;
    void connection.delivering
      .then(() => this.invoke("$disconnect", connection, {}))
      .catch((error) => console.error("websocket gateway: $disconnect crashed", error));
  }

  private async invoke(
    routeKey: "$connect" | "$default" | "$disconnect",
    connection: Connection,
    fields: Partial<WebSocketEvent>,
  ): Promise<WebSocketResult> {
    const route = this.routes.find((candidate) => candidate.route === routeKey);
    if (!route) return { statusCode: routeKey === "$default" ? 404 : 200 };
    const requestId = randomUUID();
    const event: WebSocketEvent = {
      ...fields,
      requestContext: {
        routeKey,
        eventType: routeKey === "$connect" ? "CONNECT" : routeKey === "$disconnect" ? "DISCONNECT" : "MESSAGE",
        connectionId: connection.id,
        connectedAt: connection.connectedAt,
        requestId,
        apiId: "local",
        stage: "local",
        domainName: "localhost",
      },
    };
    const handler = await this.handlerFor(route.handler);
    return (
      (await handler(event, {
        functionName: route.functionName,
        awsRequestId: requestId,
        getRemainingTimeInMillis: () => FUNCTION_TIMEOUT_MS,
      } as Context)) ?? { statusCode: 200 }
    );
  }

  private handlerFor(reference: string): Promise<Handler> {
    let handler = this.handlers.get(reference);
    if (!handler) {
      const dot = reference.lastIndexOf(".");
      handler = import(`${PROJECT_ROOT}${reference.slice(0, dot)}.ts`).then(
        (module) => module[reference.slice(dot + 1)] as Handler,
      );
      this.handlers.set(reference, handler);
    }
    return handler;
  }
}

/** API Gateway's connection ids look like `L0SM9cOFvHcCIhw=`: opaque, unique, URL-unsafe characters included. */
function connectionId(): string {
  return randomBytes(10).toString("base64");
}
