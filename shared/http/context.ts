import type { APIGatewayProxyEventV2, Context } from "aws-lambda";
import type { Identity } from "../auth/identity.ts";
import type { Dependencies } from "../dependencies.ts";
import type { ApiVersion } from "./microversion.ts";

/** What every HTTP function receives once the shared middleware has run. */
export interface HttpContext extends Context, Dependencies {
  requestId: string;
  apiVersion: ApiVersion;
  caller: Identity;
  /** The parsed JSON body of a POST/PATCH, or undefined when there is none. */
  body: unknown;
}

export type HttpEvent = APIGatewayProxyEventV2;
