import type { APIGatewayProxyStructuredResultV2 } from "aws-lambda";
import type { BerthError } from "../errors.ts";

export type HttpResponse = APIGatewayProxyStructuredResultV2 & { statusCode: number; headers: Record<string, string> };

export function json(statusCode: number, body: unknown, headers: Record<string, string> = {}): HttpResponse {
  return {
    statusCode,
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  };
}

export function noContent(): HttpResponse {
  return { statusCode: 204, headers: {} };
}

const TITLES: Record<number, string> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  406: "Not Acceptable",
  409: "Conflict",
  413: "Payload Too Large",
  429: "Too Many Requests",
  500: "Internal Server Error",
  501: "Not Implemented",
  503: "Service Unavailable",
  504: "Gateway Timeout",
};

/** Zun's error document: `{"errors":[{request_id, code, status, title, detail, links}]}`. */
export function zunError(error: BerthError, requestId: string): HttpResponse {
  return json(error.status, {
    errors: [
      {
        request_id: requestId,
        code: error.code,
        status: error.status,
        title: TITLES[error.status] ?? "Error",
        detail: error.message,
        links: [],
      },
    ],
  });
}
