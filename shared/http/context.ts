import type { APIGatewayProxyEventV2, Context } from "aws-lambda";
import type { Identity } from "../auth/identity.ts";
import type { BerthConfig } from "../config.ts";
import type { ApiVersion } from "./microversion.ts";

/** What every HTTP function receives once the shared middleware has run. */
export interface HttpContext extends Context {
  requestId: string;
  apiVersion: ApiVersion;
  config: BerthConfig;
  caller: Identity;
  /** The parsed JSON body of a POST/PATCH, or undefined when there is none. */
  body: unknown;
}

export type HttpEvent = APIGatewayProxyEventV2;
