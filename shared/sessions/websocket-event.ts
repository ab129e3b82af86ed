/** What API Gateway's WebSocket API hands a function for `$connect`, `$default` and `$disconnect`. */
export interface WebSocketEvent {
  requestContext: {
    routeKey: string;
    eventType: "CONNECT" | "MESSAGE" | "DISCONNECT";
    connectionId: string;
    connectedAt: number;
    requestId: string;
    apiId: string;
    stage: string;
    domainName: string;
  };
  headers?: Record<string, string>;
  queryStringParameters?: Record<string, string>;
  body?: string;
  isBase64Encoded?: boolean;
}

/** For `$connect`, anything but 200 refuses the upgrade; headers (e.g. Sec-WebSocket-Protocol) go on the 101. */
export interface WebSocketResult {
  statusCode: number;
  headers?: Record<string, string>;
  body?: string;
}
