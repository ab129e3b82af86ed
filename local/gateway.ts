import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { APIGatewayProxyEventV2, Context } from "aws-lambda";
import { BerthError, InvalidFieldError, PayloadTooLargeError } from "../shared/errors.ts";
import { zunError } from "../shared/http/responses.ts";
import { FUNCTION_TIMEOUT_MS } from "../shared/time-limits.ts";
import { type HttpRoute, PROJECT_ROOT } from "./serverless-config.ts";

type Handler = (
  event: APIGatewayProxyEventV2,
  context: Context,
) => Promise<{ statusCode: number; headers?: Record<string, string>; body?: string }>;

/**
 * A local stand-in for API Gateway's HTTP API: serves serverless.yml's routes
 * by building the same v2 event Lambda would receive and calling the handler.
 */
export class LocalGateway {
  private server: Server | undefined;
  private readonly handlers = new Map<string, Promise<Handler>>();

  constructor(private readonly routes: HttpRoute[]) {}

  async listen(port = 0, host = "127.0.0.1"): Promise<string> {
    this.server = createServer((request, response) => {
      this.serve(request)
        .then(({ statusCode, headers, body }) => {
          response.writeHead(statusCode, headers);
          response.end(body);
        })
        .catch((error) => {
          const refused = error instanceof BerthError ? error : undefined;
          if (!refused) console.error("gateway: handler crashed", error);
          const known = refused ?? new BerthError("internal_error", 500, "Internal error in the local gateway.");
          const { statusCode, headers, body } = zunError(known, `req-${randomUUID()}`);
          response.writeHead(statusCode, headers);
          response.end(body);
        });
    });
    await new Promise<void>((resolve) => this.server!.listen(port, host, resolve));
    const address = this.server.address() as AddressInfo;
    return `http://${host}:${address.port}`;
  }

  async close(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
  }

  private async serve(request: IncomingMessage) {
    const url = new URL(request.url ?? "/", "http://localhost");
    const method = (request.method ?? "GET").toUpperCase();
    const match = matchRoute(this.routes, method, url.pathname);
    const body = await readBody(request);
    const headers = Object.fromEntries(
      Object.entries(request.headers).map(([key, value]) => [
        key,
        Array.isArray(value) ? value.join(",") : (value ?? ""),
      ]),
    );
    headers["x-forwarded-proto"] ??= "http";
    const requestId = randomUUID();
    const event: APIGatewayProxyEventV2 = {
      version: "2.0",
      routeKey: match.route.method === "*" ? "$default" : `${match.route.method} ${match.route.path}`,
      rawPath: url.pathname,
      rawQueryString: url.search.slice(1),
      headers,
      queryStringParameters: url.searchParams.size > 0 ? Object.fromEntries(url.searchParams) : undefined,
      pathParameters: Object.keys(match.parameters).length > 0 ? match.parameters : undefined,
      body: body.length > 0 ? body.toString("utf8") : undefined,
      isBase64Encoded: false,
      requestContext: {
        accountId: "000000000000",
        apiId: "local",
        domainName: headers.host ?? "localhost",
        domainPrefix: "localhost",
        http: {
          method,
          path: url.pathname,
          protocol: "HTTP/1.1",
          sourceIp: request.socket.remoteAddress ?? "127.0.0.1",
          userAgent: headers["user-agent"] ?? "",
        },
        requestId,
        routeKey: match.route.method === "*" ? "$default" : `${match.route.method} ${match.route.path}`,
        stage: "$default",
        time: new Date().toISOString(),
        timeEpoch: Date.now(),
      },
    };
    const handler = await this.handlerFor(match.route.handler);
    const result = await handler(event, lambdaContext(match.route.functionName, requestId));
    return { statusCode: result.statusCode, headers: result.headers ?? {}, body: result.body ?? "" };
  }

  private handlerFor(reference: string): Promise<Handler> {
    let handler = this.handlers.get(reference);
    if (!handler) {
      const dot = reference.lastIndexOf(".");
      const modulePath = `${PROJECT_ROOT}${reference.slice(0, dot)}.ts`;
      const exportName = reference.slice(dot + 1);
      handler = import(modulePath).then((module) => module[exportName] as Handler);
      this.handlers.set(reference, handler);
    }
    return handler;
  }
}

/** API Gateway's precedence: exact segments beat `{parameters}`, and `*` catches the rest. */
export function matchRoute(
  routes: HttpRoute[],
  method: string,
  path: string,
): { route: HttpRoute; parameters: Record<string, string> } {
  // As API Gateway does, a trailing slash is part of the path: /v1/containers/ is not /v1/containers.
  const segments = path === "/" ? [] : path.split("/").slice(1);
  let best: { route: HttpRoute; parameters: Record<string, string>; score: number } | undefined;
  for (const route of routes) {
    if (route.method === "*" || (route.method !== method && route.method !== "ANY")) continue;
    const pattern = route.path === "/" ? [] : route.path.split("/").slice(1);
    if (pattern.length !== segments.length) continue;
    const parameters: Record<string, string> = {};
    let score = 0;
    const matches = pattern.every((part, index) => {
      const segment = segments[index]!;
      if (part.startsWith("{") && part.endsWith("}")) {
        if (segment === "") return false;
        parameters[part.slice(1, -1)] = decodedSegment(segment);
        return true;
      }
      score++;
      return part === segment;
    });
    if (matches && (!best || score > best.score)) best = { route, parameters, score };
  }
  if (best) return best;
  const fallback = routes.find((route) => route.method === "*");
  if (!fallback) throw new Error(`no route for ${method} ${path} and no catch-all route`);
  return { route: fallback, parameters: {} };
}

/** API Gateway refuses payloads over 10 MB before any function runs; so does the stand-in, without buffering more. */
const MAX_PAYLOAD_BYTES = 10 * 1024 * 1024;

function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_PAYLOAD_BYTES) {
        request.removeAllListeners("data");
        request.resume();
        reject(new PayloadTooLargeError(`The request body is over ${MAX_PAYLOAD_BYTES / 1024 / 1024} MiB.`));
        return;
      }
      chunks.push(chunk);
    });
    request.on("end", () => resolve(Buffer.concat(chunks)));
    request.on("error", reject);
  });
}

/** A path segment as API Gateway hands it to functions: decoded once; a malformed escape is the client's error. */
function decodedSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new InvalidFieldError("path", `${JSON.stringify(segment)} is not a valid percent-encoded path segment`);
  }
}

function lambdaContext(functionName: string, awsRequestId: string): Context {
  const deadline = Date.now() + FUNCTION_TIMEOUT_MS;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: "$LATEST",
    invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:${functionName}`,
    memoryLimitInMB: "512",
    awsRequestId,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: "local",
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
