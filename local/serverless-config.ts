import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import yaml from "js-yaml";

export const PROJECT_ROOT = fileURLToPath(new URL("..", import.meta.url));

export interface HttpRoute {
  method: string;
  /** e.g. /v1/containers/{id}; "*" for the catch-all route. */
  path: string;
  functionName: string;
  /** e.g. functions/http/containers/create.handler */
  handler: string;
}

/** A function behind the WebSocket API: `$connect`, `$default` or `$disconnect`. */
export interface WebSocketRoute {
  route: string;
  functionName: string;
  handler: string;
}

export interface ScheduledFunction {
  functionName: string;
  handler: string;
  everySeconds: number;
}

/** A function fed by an SQS queue of serverless.yml's resources (Lambda's event source mapping). */
export interface QueueConsumer {
  functionName: string;
  handler: string;
  /** The queue's logical id in `resources`. */
  queue: string;
  batchSize: number;
}

export interface ServerlessConfig {
  resources: Record<string, { Type: string; Properties: Record<string, any> }>;
  environment: Record<string, unknown>;
  routes: HttpRoute[];
  websocketRoutes: WebSocketRoute[];
  schedules: ScheduledFunction[];
  queueConsumers: QueueConsumer[];
}

/**
 * Reads serverless.yml as osls would for one stage, resolving the variable
 * forms Berth uses (`${self:…}`, `${sls:stage}`, `${opt:…, default}`,
 * `${env:…, default}`), so the local stack runs from the same declarations.
 */
export function loadServerlessConfig(
  stage: string,
  region: string,
  file = `${PROJECT_ROOT}/serverless.yml`,
): ServerlessConfig {
  const raw = yaml.load(readFileSync(file, "utf8")) as Record<string, any>;
  const resolved = resolveVariables(raw, raw, { stage, region }) as Record<string, any>;
  const routes: HttpRoute[] = [];
  const websocketRoutes: WebSocketRoute[] = [];
  const schedules: ScheduledFunction[] = [];
  const queueConsumers: QueueConsumer[] = [];
  for (const [functionName, definition] of Object.entries<any>(resolved.functions ?? {})) {
    for (const event of definition.events ?? []) {
      if (event.httpApi !== undefined) {
        const spec =
          typeof event.httpApi === "string" ? event.httpApi : `${event.httpApi.method} ${event.httpApi.path}`;
        const [method, path] = spec === "*" ? ["*", "*"] : spec.split(/\s+/);
        routes.push({ method: method!.toUpperCase(), path: path!, functionName, handler: definition.handler });
      }
      if (event.websocket !== undefined) {
        const route = typeof event.websocket === "string" ? event.websocket : event.websocket.route;
        websocketRoutes.push({ route, functionName, handler: definition.handler });
      }
      if (event.schedule !== undefined) {
        const rate = typeof event.schedule === "string" ? event.schedule : event.schedule.rate;
        schedules.push({ functionName, handler: definition.handler, everySeconds: rateSeconds(rate) });
      }
      if (event.sqs !== undefined) {
        const queue = event.sqs.arn?.["Fn::GetAtt"]?.[0];
        if (typeof queue !== "string")
          throw new Error(
            `serverless.yml: ${functionName}'s sqs event must name its queue as { Fn::GetAtt: [LogicalId, Arn] }`,
          );
        queueConsumers.push({
          functionName,
          handler: definition.handler,
          queue,
          batchSize: Number(event.sqs.batchSize ?? 10),
        });
      }
    }
  }
  return {
    resources: resolved.resources?.Resources ?? {},
    environment: resolved.provider?.environment ?? {},
    routes,
    websocketRoutes,
    schedules,
    queueConsumers,
  };
}

function resolveVariables(
  value: unknown,
  root: Record<string, any>,
  options: { stage: string; region: string },
): unknown {
  if (typeof value === "string") return resolveString(value, root, options);
  if (Array.isArray(value)) return value.map((item) => resolveVariables(item, root, options));
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, resolveVariables(item, root, options)]));
  }
  return value;
}

function resolveString(text: string, root: Record<string, any>, options: { stage: string; region: string }): string {
  let result = text;
  for (let depth = 0; depth < 10 && result.includes("${"); depth++) {
    result = result.replace(/\$\{([^${}]+)\}/g, (_match, expression: string) =>
      resolveExpression(expression.trim(), root, options),
    );
  }
  return result;
}

function resolveExpression(
  expression: string,
  root: Record<string, any>,
  options: { stage: string; region: string },
): string {
  const [source, fallback] = splitFallback(expression);
  let value: unknown;
  if (source === "sls:stage" || source === "opt:stage") value = options.stage;
  else if (source === "opt:region" || source === "aws:region") value = options.region;
  else if (source.startsWith("self:"))
    value = source
      .slice(5)
      .split(".")
      .reduce<any>((node, key) => node?.[key], root);
  else if (source.startsWith("env:")) value = process.env[source.slice(4)];
  else if (source.startsWith("opt:")) value = undefined;
  else throw new Error(`serverless.yml: the local stack cannot resolve \${${expression}}`);
  if (value === undefined || value === null) {
    if (fallback === undefined) throw new Error(`serverless.yml: \${${expression}} has no value`);
    return fallback;
  }
  return typeof value === "string" ? resolveString(value, root, options) : String(value);
}

function splitFallback(expression: string): [string, string | undefined] {
  const comma = expression.indexOf(",");
  if (comma < 0) return [expression, undefined];
  const fallback = expression
    .slice(comma + 1)
    .trim()
    .replace(/^['"]|['"]$/g, "");
  return [expression.slice(0, comma).trim(), fallback];
}

function rateSeconds(rate: string): number {
  const match = /^rate\((\d+)\s+(second|minute|hour)s?\)$/.exec(rate.trim());
  if (!match) throw new Error(`serverless.yml: unsupported schedule ${rate}`);
  return Number(match[1]) * { second: 1, minute: 60, hour: 3600 }[match[2] as "second" | "minute" | "hour"];
}
